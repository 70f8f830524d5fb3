// GET /health: the in-memory row of the contract's table, with or without a database
// configured that cannot be reached.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "support/http_client.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/storage_mode.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

// The contract's row for a healthy primary, for the suites' PostgreSQL run.
json::object primary_health() {
    return json::object{{"status", "healthy"},
                        {"service", "Gateway Management API"},
                        {"version", "1.0.0"},
                        {"database",
                         {{"status", "healthy"},
                          {"type", "postgresql"},
                          {"message", "Primary database connection is healthy"},
                          {"using_primary", true}}}};
}

// The contract's row for in-memory storage.
json::object in_memory_health() {
    return json::object{{"status", "healthy"},
                        {"service", "Gateway Management API"},
                        {"version", "1.0.0"},
                        {"database",
                         {{"status", "degraded"},
                          {"type", "in-memory"},
                          {"message", "Using fallback in-memory storage"},
                          {"using_primary", false}}}};
}

// The health document reduced to the contract's fields: the contract allows more fields
// inside "database" (latency, pool figures), and only there.
json::value contract_fields(json::value health) {
    if (auto* object = health.if_object()) {
        if (auto* database = object->if_contains("database"); database && database->is_object()) {
            json::object kept;
            for (const char* key : {"status", "type", "message", "using_primary"}) {
                if (auto* value = database->as_object().if_contains(key)) kept[key] = *value;
            }
            *database = std::move(kept);
        }
    }
    return health;
}

using Health = SharedServerTest;

TEST_F(Health, ReportsTheStorageInUse) {
    auto http = client();
    const Response response = http.request("GET", "/health");
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_TRUE(response.header("Content-Type").value_or("").starts_with("application/json"));
    if (storage_is_postgres()) {
        EXPECT_EQ(contract_fields(response.json()), primary_health()) << response.body;
    } else {
        // With no database the row is fixed key for key: nothing added inside "database".
        EXPECT_EQ(response.json(), in_memory_health()) << response.body;
    }
}

// An unreachable primary (nothing listens on port 1) must not stop the service: it falls
// back to memory, and the password in the URL appears nowhere.
class HealthWithUnreachablePrimary : public ::testing::TestWithParam<Environment> {};

constexpr const char* kPassword = "S3cretPassw0rd-4f1d";

TEST_P(HealthWithUnreachablePrimary, FallsBackToMemoryWithoutLeakingThePassword) {
    Environment env = GetParam();
    env["DB_CONNECT_TIMEOUT"] = "2";
    ServerProcess server(env);
    HttpClient http(server.port());
    const Response response = http.request("GET", "/health");
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(contract_fields(response.json()), in_memory_health()) << response.body;
    EXPECT_EQ(response.body.find(kPassword), std::string::npos);
    EXPECT_EQ(server.output().find(kPassword), std::string::npos) << server.output();
    expect_clean_exit(server);
}

INSTANTIATE_TEST_SUITE_P(
    Sources, HealthWithUnreachablePrimary,
    ::testing::Values(Environment{{"DATABASE_URL", std::string("postgresql://gateway:") +
                                                       kPassword + "@127.0.0.1:1/gateway"}},
                      Environment{{"DATABASE_URL", std::string("postgresql+asyncpg://gateway:") +
                                                       kPassword +
                                                       "@127.0.0.1:1/gateway?sslmode=disable"}},
                      Environment{{"AWS_DB_HOST", "127.0.0.1"},
                                  {"AWS_DB_PORT", "1"},
                                  {"AWS_DB_USER", "gateway"},
                                  {"AWS_DB_PASSWORD", kPassword}}),
    [](const auto& info) {
        return std::string(info.param.contains("DATABASE_URL") ? "DatabaseUrl" : "AwsDbHost") +
               std::to_string(info.index);
    });

using OpenApi = SharedServerTest;

TEST_F(OpenApi, DescribesEveryEndpoint) {
    auto http = client();
    const Response response = http.request("GET", "/openapi.json");
    ASSERT_TRUE(HasStatus(response, 200));
    const json::object document = response.json().as_object();
    ASSERT_TRUE(document.contains("openapi")) << response.body.substr(0, 500);
    EXPECT_TRUE(document.at("openapi").as_string().starts_with("3.")) << document.at("openapi");
    ASSERT_TRUE(document.contains("paths"));
    const json::object& paths = document.at("paths").as_object();
    for (const char* path :
         {"/apis", "/health", "/health/live", "/health/ready", "/openapi.json"}) {
        EXPECT_TRUE(paths.contains(path)) << path;
    }
    bool has_item_path = false;
    for (const auto& [path, item] : paths) has_item_path |= path.starts_with("/apis/{");
    EXPECT_TRUE(has_item_path) << "no /apis/{ref} path";
    ASSERT_TRUE(document.contains("info"));
    EXPECT_EQ(document.at("info").at("title"), "Gateway Management API");
    EXPECT_EQ(document.at("info").at("version"), "1.0.0");
}

}  // namespace
}  // namespace gateway::test
