// The application's password never shows in an error, whichever way a connection or a
// statement fails.
#include <boost/asio/ip/tcp.hpp>

#include "pg_fixture.hpp"

namespace gateway::test {
namespace {

class PasswordSecrecyTest : public PgTest {
  protected:
    void expect_secret(const db::DbError& error, std::string_view situation) {
        ++checked_;
        EXPECT_FALSE(error.message.empty()) << situation;
        EXPECT_EQ(error.message.find(env_.app_password), std::string::npos)
            << situation << ": " << error.message;
    }
    int checked_ = 0;
};

TEST_F(PasswordSecrecyTest, NoErrorMessageContainsTheAppPassword) {
    boost::asio::ip::tcp::acceptor blackhole(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto silent_port = std::to_string(blackhole.local_endpoint().port());
    boost::asio::ip::tcp::acceptor probe(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto closed_port = std::to_string(probe.local_endpoint().port());
    probe.close();

    const std::pair<std::string, PgConnectOptions> failing_connects[] = {
        {"wrong CA", PgConnectOptions().with_sslrootcert(env_.wrong_ca_file)},
        {"server never answers", PgConnectOptions().with_port(silent_port)},
        {"port closed", PgConnectOptions().with_port(closed_port)},
    };
    for (const auto& [situation, options] : failing_connects) {
        auto connection = connect(app_conninfo(options), 500ms);
        ASSERT_FALSE(connection) << situation;
        expect_secret(connection.error(), situation);
    }

    // The right password for a role or database it does not open.
    auto wrong_database = connect(app_conninfo() + " dbname=no_such_database");
    ASSERT_FALSE(wrong_database);
    expect_secret(wrong_database.error(), "unknown database");
    auto wrong_user = connect(app_conninfo() + " user=no_such_user");
    ASSERT_FALSE(wrong_user);
    expect_secret(wrong_user.error(), "unknown user");

    // A statement that quotes what it was given cannot leak it either.
    auto connection = must_connect();
    auto bad_value =
        execute(*connection, {"test_secrecy_cast", "SELECT $1::int"}, {env_.app_password});
    ASSERT_FALSE(bad_value);
    expect_secret(bad_value.error(), "bad parameter value");
    auto timed_out = query(*connection, "SELECT pg_sleep(5)", 100ms);
    ASSERT_FALSE(timed_out);
    expect_secret(timed_out.error(), "statement timeout");
    auto after = query(*connection, "SELECT 1");
    ASSERT_FALSE(after);
    expect_secret(after.error(), "broken connection");

    // And the pool's own messages.
    config::DatabaseSettings settings;
    settings.pool_size = 1;
    settings.max_overflow = 0;
    settings.pool_timeout = 100ms;
    auto pool = db::ConnectionPool::create(app_conninfo(), settings);
    // The first connection may take its time to open (TLS, a sanitizer build, a busy
    // machine); only the second acquire has to run into the short pool timeout.
    auto held = run_bounded(io_, pool->acquire(std::chrono::seconds(20)));
    ASSERT_TRUE(held) << held.error().message;
    auto exhausted = acquire(*pool);
    ASSERT_FALSE(exhausted);
    expect_secret(exhausted.error(), "pool exhausted");

    EXPECT_EQ(checked_, 9);
}

}  // namespace
}  // namespace gateway::test
