// TLS to the database as an operator configures it: libpq's sslmode and sslrootcert in
// DATABASE_URL, AWS_REQUIRE_SSL and AWS_SSLROOTCERT for AWS_DB_*. A source whose server
// cannot be verified fails its pre-flight check like any other unreachable source.
#include <netdb.h>
#include <unistd.h>

#include <array>
#include <string>

#include "pg_fixture.hpp"
#include "support/api_requests.hpp"
#include "support/http_client.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

// This machine's host name when it resolves to 127.0.0.1 and nothing else, so that a
// connection through it reaches the test cluster; nullopt otherwise.
std::optional<std::string> host_name_resolving_to_loopback_only() {
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0) return std::nullopt;
    const std::string host(name.data());
    if (host.empty() || host == "localhost") return std::nullopt;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return std::nullopt;
    bool loopback_only = found != nullptr;
    for (const addrinfo* at = found; at != nullptr; at = at->ai_next) {
        const auto* ipv4 =
            at->ai_family == AF_INET ? reinterpret_cast<sockaddr_in*>(at->ai_addr) : nullptr;
        loopback_only =
            loopback_only && ipv4 != nullptr && ntohl(ipv4->sin_addr.s_addr) == INADDR_LOOPBACK;
    }
    ::freeaddrinfo(found);
    if (!loopback_only) return std::nullopt;
    return host;
}

class TlsSourceTest : public PgTest {
  protected:
    std::string verify_full_query(const std::string& ca_file) const {
        return "sslmode=verify-full&sslrootcert=" + url_encode(ca_file);
    }

    static const boost::json::object& connection_of(const CheckDbRun& run) {
        static const boost::json::object none;
        if (!run.report || !run.report->contains("connection")) return none;
        return run.report->at("connection").as_object();
    }

    // check-db exits 0 with an encrypted primary from `source`, whose URL (as shown,
    // password masked) carries `sslmode`.
    static void expect_encrypted_primary(const CheckDbRun& run, std::string_view source,
                                         std::string_view sslmode) {
        EXPECT_EQ(run.exit_code, 0) << run.output;
        ASSERT_TRUE(run.report) << run.output;
        const auto& connection = connection_of(run);
        EXPECT_EQ(string_at(connection, "source"), source) << run.output;
        const auto* ssl = connection.if_contains("ssl");
        EXPECT_TRUE(ssl != nullptr && ssl->is_bool() && ssl->get_bool()) << run.output;
        EXPECT_NE(string_at(connection, "url").find("sslmode=" + std::string(sslmode)),
                  std::string::npos)
            << run.output;
    }

    // Exactly one warning saying `kind` failed, and it mentions `reason`.
    static void expect_failed_source(const std::string& output, std::string_view kind,
                                     std::string_view reason) {
        const auto lines =
            lines_containing(output, {"source " + std::string(kind), "failed its pre-flight"});
        ASSERT_EQ(lines.size(), 1u) << output;
        EXPECT_NE(lines[0].find(reason), std::string::npos) << lines[0];
    }
};

TEST_F(TlsSourceTest, VerifyFullWithTheRightCaGivesAnEncryptedPrimary) {
    ScratchRole role(env_, "tls-right-ca-pw");
    const Environment env{{"DATABASE_URL", role.database_url(verify_full_query(env_.ca_file))}};

    expect_encrypted_primary(run_check_db(env), "DATABASE_URL", "verify-full");

    ServerProcess server(env);
    HttpClient client(server.port());
    const Response health = client.request("GET", "/health");
    ASSERT_TRUE(HasStatus(health, 200));
    EXPECT_EQ(string_at(health_database(health), "source"), "DATABASE_URL") << health.body;
    expect_clean_exit(server);
}

TEST_F(TlsSourceTest, VerifyFullWithTheWrongCaFailsOverToAwsDbWithRequiredSsl) {
    ScratchRole role(env_, "tls-wrong-ca-pw");
    Environment env = role.aws_db_environment();
    env["DATABASE_URL"] = role.database_url(verify_full_query(env_.wrong_ca_file));
    env["AWS_REQUIRE_SSL"] = "true";

    ServerProcess server(env);
    HttpClient client(server.port());
    const Response health = client.request("GET", "/health");
    ASSERT_TRUE(HasStatus(health, 200));
    EXPECT_EQ(string_at(health_database(health), "source"), "AWS_DB_*") << health.body;
    expect_failed_source(server.output(), "DATABASE_URL", "certificate");

    const CheckDbRun run = run_check_db(env);
    expect_encrypted_primary(run, "AWS_DB_*", "require");
    expect_failed_source(run.output, "DATABASE_URL", "certificate");
    expect_clean_exit(server);
}

TEST_F(TlsSourceTest, VerifyFullAcceptsOnlyAHostNameTheCertificateNames) {
    ScratchRole role(env_, "tls-host-name-pw");
    // The certificate names localhost and 127.0.0.1.
    const std::string by_name = "postgresql://" + role.name() + ":" + url_encode(role.password()) +
                                "@localhost:" + env_.port + "/" + env_.database + "?" +
                                verify_full_query(env_.ca_file);
    expect_encrypted_primary(run_check_db({{"DATABASE_URL", by_name}}), "DATABASE_URL",
                             "verify-full");

    const auto other_name = host_name_resolving_to_loopback_only();
    if (!other_name) {
        GTEST_SKIP() << "this machine's host name does not resolve to 127.0.0.1 alone, so there "
                        "is no second name for the test cluster that its certificate lacks";
    }
    const std::string base = "postgresql://" + role.name() + ":" + url_encode(role.password()) +
                             "@" + *other_name + ":" + env_.port + "/" + env_.database + "?";
    const CheckDbRun rejected =
        run_check_db({{"DATABASE_URL", base + verify_full_query(env_.ca_file)}});
    EXPECT_EQ(rejected.exit_code, 1) << rejected.output;
    // libpq's words; the host name itself would match the URL shown in the same line.
    expect_failed_source(rejected.output, "DATABASE_URL", "does not match host name");

    // The same address without the name check works: the name was the only problem.
    expect_encrypted_primary(run_check_db({{"DATABASE_URL", base + "sslmode=require"}}),
                             "DATABASE_URL", "require");
}

TEST_F(TlsSourceTest, AwsRequireSslWithARootCertificateVerifiesTheServer) {
    ScratchRole role(env_, "tls-aws-root-pw");
    Environment env = role.aws_db_environment();
    env["AWS_REQUIRE_SSL"] = "true";
    env["AWS_SSLROOTCERT"] = env_.ca_file;
    expect_encrypted_primary(run_check_db(env), "AWS_DB_*", "verify-full");

    env["AWS_SSLROOTCERT"] = env_.wrong_ca_file;
    const CheckDbRun rejected = run_check_db(env);
    EXPECT_EQ(rejected.exit_code, 1) << rejected.output;
    expect_failed_source(rejected.output, "AWS_DB_*", "certificate");
}

}  // namespace
}  // namespace gateway::test
