#include "support/storage_mode.hpp"

#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <libpq-fe.h>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "domain/ids.hpp"
#include "support/pg_test_env.hpp"

namespace gateway::test {

namespace {

std::string encoded(std::string_view text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// Creates the schema with a short blocking libpq session: test set-up, not the server.
void create_schema(const PgTestEnv& cluster, const std::string& schema) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection(
        PQconnectdb(cluster.conninfo(PgRole::app).c_str()), &PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK) {
        throw std::runtime_error(std::string("cannot reach the test cluster: ") +
                                 PQerrorMessage(connection.get()));
    }
    const std::string sql = "CREATE SCHEMA " + schema;
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()),
                                                         &PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        throw std::runtime_error(std::string("cannot create a test schema: ") +
                                 PQerrorMessage(connection.get()));
    }
}

}  // namespace

namespace {

constexpr std::string_view postgres_prefix = "postgresql:";

// GATEWAY_TEST_STORAGE=postgresql:<path of the cluster's cluster.env>; one variable,
// because CTest's discovered tests take only one ENVIRONMENT entry reliably.
std::optional<std::string> cluster_env_path() {
    const char* mode = std::getenv("GATEWAY_TEST_STORAGE");
    if (mode == nullptr || !std::string_view(mode).starts_with(postgres_prefix)) {
        return std::nullopt;
    }
    return std::string(std::string_view(mode).substr(postgres_prefix.size()));
}

}  // namespace

bool storage_is_postgres() {
    return cluster_env_path().has_value();
}

void add_storage_environment(Environment& env) {
    if (!storage_is_postgres()) return;
    for (const auto& [name, value] : env) {
        // The test chose its database (or its absence) itself.
        if (name == "DATABASE_URL" || name.starts_with("AWS_DB_") || name == "AWS_SECRET_NAME") {
            return;
        }
    }
    const auto cluster = PgTestEnv::load(*cluster_env_path());
    std::string schema = "http_" + domain::new_api_id();
    std::erase(schema, '-');
    create_schema(cluster, schema);
    env["DATABASE_URL"] = "postgresql://" + encoded(cluster.app_user) + ":" +
                          encoded(cluster.app_password) + "@" + cluster.host + ":" + cluster.port +
                          "/" + encoded(cluster.database) +
                          "?sslmode=verify-full&sslrootcert=" + encoded(cluster.ca_file) +
                          "&options=" + encoded("-csearch_path=" + schema);
    env.emplace("DB_FALLBACK", "none");  // a test must never pass on memory by accident
}

}  // namespace gateway::test
