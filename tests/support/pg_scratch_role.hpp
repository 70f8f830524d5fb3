// A login role of a test's own, with a schema of the same name that its sessions use by
// default. The server can then be pointed at it through any source kind (DATABASE_URL or
// AWS_DB_*, which has no way to pass a search_path) and still keep its tables apart from
// every other test sharing the cluster; and the test can lock the role out, or watch its
// backends, without disturbing anyone else.
#pragma once

#include <string>
#include <string_view>

#include "support/child_environment.hpp"
#include "support/pg_test_env.hpp"

namespace gateway::test {

class ScratchRole {
  public:
    // Creates the role (LOGIN, with `password`) and its schema, as the superuser.
    ScratchRole(const PgTestEnv& cluster, std::string password);
    // Ends the role's sessions and drops the schema and the role.
    ~ScratchRole();
    ScratchRole(const ScratchRole&) = delete;
    ScratchRole& operator=(const ScratchRole&) = delete;

    const std::string& name() const { return name_; }
    const std::string& password() const { return password_; }
    const PgTestEnv& cluster() const { return cluster_; }

    // postgresql://name:password@host:port/db?<query>, user and password percent-encoded;
    // `query` (without '?') holds libpq parameters, already encoded.
    std::string database_url(std::string_view query = {}) const;
    // The same with another password, for a source that must fail authentication.
    std::string database_url_with_password(std::string_view password,
                                           std::string_view query = {}) const;

    // AWS_DB_HOST, AWS_DB_PORT, AWS_DB_NAME, AWS_DB_USER and AWS_DB_PASSWORD for this role.
    Environment aws_db_environment() const;

    // LOGIN or NOLOGIN; NOLOGIN also ends the role's open sessions, so the server loses
    // its connections and cannot open new ones.
    void allow_login(bool allowed);

    // Ends the role's open sessions (the server's pooled connections); returns how many.
    int terminate_sessions();

  private:
    const PgTestEnv cluster_;
    std::string name_;
    std::string password_;
};

// `text` percent-encoded for any part of a URL.
std::string url_encode(std::string_view text);

}  // namespace gateway::test
