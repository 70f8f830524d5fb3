// A plain blocking libpq session for a test's own set-up and interference (creating roles,
// holding locks, ending backends): the test drives the database from outside the server,
// so it must not share the server's code paths it is checking.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "support/pg_test_env.hpp"

namespace gateway::test {

class PgAdminSession {
  public:
    // Connects through `conninfo`; throws std::runtime_error when it cannot. Every
    // statement is bounded by the server's statement_timeout, so a stuck one fails the
    // test instead of hanging it.
    explicit PgAdminSession(const std::string& conninfo);

    // A superuser session on the cluster's test database.
    static PgAdminSession superuser(const PgTestEnv& cluster);

    // Runs `sql` (one or more statements); throws std::runtime_error on any error.
    void exec(std::string_view sql);

    // The first column of the first row, nullopt for no row or NULL; throws on error.
    std::optional<std::string> value(std::string_view sql);

    // Ends every backend of `role` other than this session's and waits until they are
    // gone. Returns how many were ended.
    int terminate_backends_of(std::string_view role);

  private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection_;
};

// `text` as an SQL string literal: single quotes, embedded ones doubled.
std::string sql_literal(std::string_view text);

}  // namespace gateway::test
