// IAM auth tokens as passwords: one token per connection signed with the cached
// credentials and the clock of the moment, credentials refreshed in the background
// before they expire, and fetched again (rarely) when the server refuses a token.
#include "sources/iam_token_conninfo.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "aws/rds_auth_token.hpp"

namespace gateway::sources {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using SystemClock = std::chrono::system_clock;

aws::Credentials test_credentials(std::string key_id,
                                  std::optional<SystemClock::time_point> expiry) {
    return {std::move(key_id), "secret-" + key_id, "", expiry, "a test provider"};
}

config::ConnectionParams database() {
    config::ConnectionParams params;
    params.host = "mydb.abc123.eu-west-1.rds.amazonaws.com";
    params.port = 5432;
    params.user = "iam_user";
    params.dbname = "gateway";
    return params;
}

// The render step hands back the password alone, so tests read the token directly.
std::string password_only(const config::ConnectionParams& params) {
    return params.password;
}

class IamTokenConninfoTest : public ::testing::Test {
  protected:
    std::shared_ptr<IamTokenConninfo> make(aws::Credentials initial) {
        IamTokenConninfo::Options options;
        options.now = [this] {
            std::lock_guard lock(clock_mutex_);
            return now_;
        };
        auto fetch = [this]() -> domain::Expected<aws::Credentials, std::string> {
            ++fetches_;
            if (held_) released_.wait();
            std::lock_guard lock(clock_mutex_);
            return next_;
        };
        return IamTokenConninfo::create(database(), "eu-west-1", std::move(initial), fetch,
                                        password_only, blocking_.get_executor(), options);
    }

    std::string expected_token(const aws::Credentials& signer) const {
        return aws::rds_auth_token(database().host, database().port, database().user,
                                   {"eu-west-1", now_}, signer);
    }

    void advance(std::chrono::seconds by) {
        std::lock_guard lock(clock_mutex_);
        now_ += by;
    }

    // Waits (bounded) until the background refresh has run.
    void wait_for_fetches(int count) {
        for (int i = 0; i < 500 && fetches_ < count; ++i) std::this_thread::sleep_for(10ms);
    }

    std::optional<bool> renew(const std::shared_ptr<IamTokenConninfo>& source,
                              std::uint64_t generation) {
        std::optional<bool> outcome;
        asio::co_spawn(
            io_,
            [&]() -> asio::awaitable<void> {
                outcome = co_await source->renew_after_refusal(
                    generation, db::ConninfoSource::Clock::now() + 5s);
            },
            asio::detached);
        io_.restart();
        io_.run_for(10s);
        return outcome;
    }

    std::mutex clock_mutex_;
    SystemClock::time_point now_ = SystemClock::time_point{} + std::chrono::seconds(1'795'780'800);
    domain::Expected<aws::Credentials, std::string> next_ =
        test_credentials("AKIDNEXT", std::nullopt);
    std::atomic<int> fetches_{0};
    // A held fetch waits until the test lets it go, so the test sees the moment before.
    std::atomic<bool> held_{false};
    std::promise<void> release_;
    std::shared_future<void> released_ = release_.get_future().share();
    asio::io_context io_;
    asio::thread_pool blocking_{1};
};

TEST_F(IamTokenConninfoTest, EachConnectionGetsATokenSignedNow) {
    const auto initial = test_credentials("AKIDFIRST", std::nullopt);
    auto source = make(initial);
    const auto first = source->current();
    EXPECT_EQ(first.conninfo, expected_token(initial));
    EXPECT_TRUE(first.conninfo.starts_with(
        "mydb.abc123.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user&"));
    EXPECT_NE(first.conninfo.find("X-Amz-Expires=900"), std::string::npos);
    advance(61s);
    const auto later = source->current();
    EXPECT_EQ(later.conninfo, expected_token(initial));
    EXPECT_NE(later.conninfo, first.conninfo);
    EXPECT_EQ(later.generation, first.generation);
    EXPECT_EQ(fetches_, 0);  // long-term credentials are never fetched again
}

TEST_F(IamTokenConninfoTest, ExpiringCredentialsAreRefreshedInTheBackgroundOnce) {
    auto source = make(test_credentials("AKIDOLD", now_ + 10min));
    source->current();
    EXPECT_EQ(fetches_, 0);
    advance(6min);  // four minutes left: inside the refresh window
    next_ = test_credentials("AKIDNEW", now_ + 1h);
    held_ = true;
    // The token of this moment is still signed with the old, valid credentials, and a
    // second connect meanwhile starts no second refresh.
    EXPECT_EQ(source->current().conninfo,
              expected_token(test_credentials("AKIDOLD", std::nullopt)));
    EXPECT_EQ(source->current().conninfo,
              expected_token(test_credentials("AKIDOLD", std::nullopt)));
    release_.set_value();
    wait_for_fetches(1);
    blocking_.wait();
    EXPECT_EQ(fetches_, 1);
    const auto after = source->current();
    EXPECT_EQ(after.conninfo, expected_token(test_credentials("AKIDNEW", std::nullopt)));
    EXPECT_EQ(after.generation, 1u);
}

TEST_F(IamTokenConninfoTest, ARefusedTokenFetchesCredentialsAgainAtMostOncePerInterval) {
    auto source = make(test_credentials("AKIDREVOKED", std::nullopt));
    next_ = test_credentials("AKIDFRESH", std::nullopt);
    EXPECT_EQ(renew(source, 0), true);
    EXPECT_EQ(fetches_, 1);
    EXPECT_EQ(source->current().conninfo,
              expected_token(test_credentials("AKIDFRESH", std::nullopt)));
    // A refusal of the old generation is answered by what is already there.
    EXPECT_EQ(renew(source, 0), true);
    // A refusal of the new one within the interval does not call AWS again.
    EXPECT_EQ(renew(source, 1), false);
    EXPECT_EQ(fetches_, 1);
}

TEST_F(IamTokenConninfoTest, TheSameCredentialsOrAFailedFetchAreNoRenewal) {
    auto source = make(test_credentials("AKIDSAME", std::nullopt));
    next_ = test_credentials("AKIDSAME", std::nullopt);
    EXPECT_EQ(renew(source, 0), false);
    auto failing = make(test_credentials("AKIDOTHER", std::nullopt));
    next_ = domain::unexpected(std::string("instance metadata: timed out"));
    EXPECT_EQ(renew(failing, 0), false);
    EXPECT_EQ(failing->current().generation, 0u);
}

}  // namespace
}  // namespace gateway::sources
