// PgConnection::connect against the test cluster: TLS modes, authentication, and
// servers that refuse or never answer.
#include <boost/asio/ip/tcp.hpp>

#include "pg_fixture.hpp"
#include "support/dead_endpoints.hpp"

namespace gateway::test {
namespace {

using db::DbErrc;

class PgConnectTest : public PgTest {};

TEST_F(PgConnectTest, VerifyFullWithTheTestCaConnectsOverTls) {
    auto connection = connect(app_conninfo());
    ASSERT_TRUE(connection) << connection.error().message;
    EXPECT_TRUE((*connection)->ssl_in_use());
    EXPECT_FALSE((*connection)->broken());
    auto one = query(**connection, "SELECT 1");
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(one->integer(0, 0), 1);
}

TEST_F(PgConnectTest, VerifyFullByHostNameMatchesTheCertificate) {
    auto connection = connect(app_conninfo(PgConnectOptions().with_host("localhost")));
    ASSERT_TRUE(connection) << connection.error().message;
    EXPECT_TRUE((*connection)->ssl_in_use());
}

TEST_F(PgConnectTest, VerifyFullWithAnotherCaFailsAndSaysWhy) {
    auto connection =
        connect(app_conninfo(PgConnectOptions().with_sslrootcert(env_.wrong_ca_file)));
    ASSERT_FALSE(connection);
    EXPECT_EQ(connection.error().code, DbErrc::connect_failed);
    EXPECT_NE(connection.error().message.find("certificate verify failed"), std::string::npos)
        << connection.error().message;
    EXPECT_EQ(connection.error().message.find(env_.app_password), std::string::npos);
}

TEST_F(PgConnectTest, SslmodeRequireConnectsWithoutVerifying) {
    auto connection =
        connect(app_conninfo(PgConnectOptions().with_sslmode("require").with_sslrootcert("")));
    ASSERT_TRUE(connection) << connection.error().message;
    EXPECT_TRUE((*connection)->ssl_in_use());
}

TEST_F(PgConnectTest, WrongPasswordFailsWithTheServersReason) {
    const std::string wrong = "not-" + env_.app_password;
    auto connection = connect(app_conninfo(PgConnectOptions().with_password(wrong)));
    ASSERT_FALSE(connection);
    EXPECT_EQ(connection.error().code, DbErrc::connect_failed);
    EXPECT_EQ(connection.error().sqlstate, "28P01");
    EXPECT_NE(connection.error().message.find("password authentication failed"), std::string::npos)
        << connection.error().message;
    EXPECT_EQ(connection.error().message.find(wrong), std::string::npos);
    EXPECT_EQ(connection.error().message.find("LOCATION"), std::string::npos);
}

TEST_F(PgConnectTest, RefusedPortFailsWithConnectFailedNotATimeout) {
    const auto port = std::to_string(closed_port());
    auto connection = connect(app_conninfo(PgConnectOptions().with_port(port)), 20s);
    ASSERT_FALSE(connection);
    EXPECT_EQ(connection.error().code, DbErrc::connect_failed);
    EXPECT_NE(connection.error().message.find(port), std::string::npos)
        << connection.error().message;
}

TEST_F(PgConnectTest, ServerThatNeverAnswersTimesOutWithinTheBound) {
    // The kernel completes the handshake for a listening socket that is never
    // accepted; libpq then waits forever for the server's first byte.
    boost::asio::ip::tcp::acceptor blackhole(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = std::to_string(blackhole.local_endpoint().port());
    const auto started = std::chrono::steady_clock::now();
    auto connection = connect(app_conninfo(PgConnectOptions().with_port(port)), 300ms);
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(connection);
    EXPECT_EQ(connection.error().code, DbErrc::timeout);
    EXPECT_NE(connection.error().message.find("within 0.3s"), std::string::npos)
        << connection.error().message;
    EXPECT_GE(waited, 300ms);
}

TEST_F(PgConnectTest, MalformedParametersFailWithoutQuotingThem) {
    auto connection = connect("host=127.0.0.1 password='secret-fragment");
    ASSERT_FALSE(connection);
    EXPECT_EQ(connection.error().code, DbErrc::connect_failed);
    EXPECT_EQ(connection.error().message.find("secret-fragment"), std::string::npos)
        << connection.error().message;
}

}  // namespace
}  // namespace gateway::test
