// The PostgreSQL cluster that scripts/pg-test-cluster.sh starts for the `pg` tests.
// CTest's fixture passes the path of its cluster.env in GATEWAY_TEST_PG_ENV.
#pragma once

#include <optional>
#include <string>

namespace gateway::test {

enum class PgRole { app, superuser };

// How a test wants to connect; the defaults give a fully verified TLS connection.
struct PgConnectOptions {
    std::string sslmode = "verify-full";
    std::optional<std::string> sslrootcert;  // default: the cluster's test CA; "" = none
    std::optional<std::string> password;     // default: the role's real password
    std::optional<std::string> host;         // default: PGHOST (127.0.0.1)
    std::optional<std::string> port;         // default: PGPORT

    // Chainable, since g++ 12 warns about designated initializers that skip members.
    PgConnectOptions with_sslmode(std::string value) const {
        return with(&PgConnectOptions::sslmode, std::move(value));
    }
    PgConnectOptions with_sslrootcert(std::string value) const {
        return with(&PgConnectOptions::sslrootcert, std::move(value));
    }
    PgConnectOptions with_password(std::string value) const {
        return with(&PgConnectOptions::password, std::move(value));
    }
    PgConnectOptions with_host(std::string value) const {
        return with(&PgConnectOptions::host, std::move(value));
    }
    PgConnectOptions with_port(std::string value) const {
        return with(&PgConnectOptions::port, std::move(value));
    }

  private:
    template <class Member>
    PgConnectOptions with(Member member, std::string value) const {
        auto copy = *this;
        copy.*member = std::move(value);
        return copy;
    }
};

struct PgTestEnv {
    std::string host;
    std::string port;
    std::string database;
    std::string superuser;
    std::string superuser_password;
    std::string app_user;
    std::string app_password;
    std::string ca_file;
    std::string wrong_ca_file;  // an unrelated CA: verify-full must reject the server

    static constexpr const char* kVariable = "GATEWAY_TEST_PG_ENV";

    // nullopt when GATEWAY_TEST_PG_ENV is unset (run through `ctest -L pg` to set it);
    // throws std::runtime_error when it names a file that cannot be read or is incomplete.
    static std::optional<PgTestEnv> from_environment();
    static PgTestEnv load(const std::string& path);

    // A libpq keyword/value conninfo, every value quoted.
    std::string conninfo(PgRole role, const PgConnectOptions& options = {}) const;
};

}  // namespace gateway::test
