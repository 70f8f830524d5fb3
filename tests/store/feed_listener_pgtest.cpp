// The feed listener in-process against the real PostgreSQL, with the listener on an event
// loop thread of its own and writers on another, as in the server (and under TSan).
#include "store/feed_listener.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "db/pg_fixture.hpp"
#include "db/pg_private_schema.hpp"
#include "store/mirrored_store.hpp"
#include "support/api_specs.hpp"
#include "support/empty_journal.hpp"
#include "support/eventually.hpp"

namespace gateway::test {
namespace {

config::DatabaseSettings settings() {
    config::DatabaseSettings out;
    out.pool_size = 2;
    out.max_overflow = 2;
    out.connect_timeout = 10s;
    out.statement_timeout = 10s;
    return out;
}

// How long the listener may take to see a change or to reconnect, on a busy machine.
constexpr auto kFollowBound = 20s;

class FeedListenerTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        if (IsSkipped()) return;
        const std::string schema = unique_schema_name("listener");
        conninfo_ = with_search_path(app_conninfo(), schema);
        auto prepared = run_bounded(io_, prepare_schema(io_.get_executor(), conninfo_, schema));
        ASSERT_TRUE(prepared) << prepared.error().message;
        pool_ = db::ConnectionPool::create(conninfo_, settings());
        writer_ = std::make_shared<store::PgStore>(pool_, settings());
    }

    void TearDown() override {
        stop_listening();
        PgTest::TearDown();
    }

    // Starts the listener for a second "instance" on a thread of its own.
    void start_listening(std::chrono::milliseconds poll_interval = 1s) {
        store::FeedListener::Options options;
        options.poll_interval = poll_interval;
        options.connect_timeout = 10s;
        options.statement_timeout = 10s;
        listener_ = std::make_unique<store::FeedListener>(mirror_, status_, breaker_, options);
        listener_pool_ = db::ConnectionPool::create(
            conninfo_ + " application_name=" + listener_name_, settings());
        boost::asio::co_spawn(listener_io_,
                              listener_->follow(
                                  listener_pool_, [this] { return !stopping_.load(); }, {}, false),
                              boost::asio::detached);
        listener_thread_ = std::thread([this] { listener_io_.run(); });
        ASSERT_TRUE(eventually([this] { return status_.following(); }, kFollowBound));
    }

    void stop_listening() {
        stopping_ = true;
        if (!listener_thread_.joinable()) return;
        // Wakes the listener from its wait at once rather than at its next poll.
        auto waker = must_connect(PgRole::app);
        query(*waker, "NOTIFY gateway_api_changes");
        listener_thread_.join();
    }

    domain::ApiPtr write(const domain::ApiSpec& spec) {
        auto created = run_bounded(io_, writer_->create(spec, test::test_origin()));
        if (!created) throw std::runtime_error(created.error().detail);
        return *created;
    }

    std::string conninfo_;
    const std::string listener_name_ = unique_schema_name("listener");
    std::shared_ptr<db::ConnectionPool> pool_;
    std::shared_ptr<store::PgStore> writer_;

    store::MemoryStore mirror_;
    store::MirrorStatus status_;
    db::CircuitBreaker breaker_{db::CircuitBreaker::Options{}};
    std::unique_ptr<store::FeedListener> listener_;
    std::shared_ptr<db::ConnectionPool> listener_pool_;
    boost::asio::io_context listener_io_;
    std::thread listener_thread_;
    std::atomic<bool> stopping_{false};
};

TEST_F(FeedListenerTest, LoadsWhatIsThereThenFollowsEveryChange) {
    const auto before = write(spec_named("before"));
    start_listening();
    EXPECT_TRUE(mirror_.find_now(before->id));
    EXPECT_EQ(status_.full_loads(), 1u);

    const auto created = write(spec_named("created"));
    ASSERT_TRUE(
        eventually([&] { return mirror_.find_now(created->id).has_value(); }, kFollowBound));

    auto patched =
        run_bounded(io_, writer_->patch("created", boost::json::object{{"description", "changed"}},
                                        domain::Precondition::none(), test::test_origin()));
    ASSERT_TRUE(patched);
    ASSERT_TRUE(eventually([&] { return mirror_.holds(created->id, 2); }, kFollowBound));
    EXPECT_EQ((*mirror_.find_now(created->id))->spec.description, "changed");

    ASSERT_TRUE(run_bounded(
        io_, writer_->remove("before", domain::Precondition::none(), test::test_origin())));
    ASSERT_TRUE(
        eventually([&] { return !mirror_.find_now(before->id).has_value(); }, kFollowBound));
    EXPECT_EQ(status_.full_loads(), 1u) << "followed, not reloaded";
}

TEST_F(FeedListenerTest, ChangesArriveWithoutNotificationsThroughThePoll) {
    // PgStore alone sends no NOTIFY: only the poll can find these.
    start_listening(200ms);
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i)
        ids.push_back(write(spec_named("polled-" + std::to_string(i)))->id);
    ASSERT_TRUE(eventually([&] { return mirror_.size() == ids.size(); }, kFollowBound));
    for (const auto& id : ids) EXPECT_TRUE(mirror_.find_now(id)) << id;
}

TEST_F(FeedListenerTest, ANotificationWakesTheListenerLongBeforeItsPoll) {
    start_listening(60s);  // only a notification can bring the change in time
    const auto created = write(spec_named("notified"));
    auto notifier = store::ChangeNotifier::create(pool_);
    notifier->changed(io_.get_executor());
    io_.restart();
    io_.run_for(10s);  // sends the notification
    EXPECT_TRUE(
        eventually([&] { return mirror_.find_now(created->id).has_value(); }, kFollowBound));
}

TEST_F(FeedListenerTest, ALostSessionIsReplacedAndCaughtUp) {
    start_listening();
    auto admin = must_connect(PgRole::superuser);
    // The listener's session is the only one with this test's application name.
    const db::Statement listeners{"test_listeners",
                                  "SELECT pid FROM pg_stat_activity WHERE application_name = $1"};
    std::int64_t pid = 0;
    ASSERT_TRUE(eventually(
        [&] {
            auto found = execute(*admin, listeners, {listener_name_});
            if (!found || found->rows() == 0) return false;
            pid = found->integer(0, 0);
            return true;
        },
        kFollowBound));
    terminate_backend(pid);
    const auto written_meanwhile = write(spec_named("meanwhile"));
    ASSERT_TRUE(eventually([&] { return mirror_.find_now(written_meanwhile->id).has_value(); },
                           kFollowBound));
    EXPECT_TRUE(eventually([&] { return status_.following(); }, kFollowBound));
}

TEST_F(FeedListenerTest, ConcurrentWritersAndTheListenerAgreeOnEveryApi) {
    start_listening(100ms);
    // A second instance's mirror, written through by this test's threads while the
    // listener applies the feed to the same mirror: what the server does under load.
    auto primary = std::make_shared<db::Primary>();
    primary->pool = pool_;
    EmptyJournal journal;
    store::MirroredStore through(
        mirror_, std::make_shared<db::CircuitBreaker>(db::CircuitBreaker::Options{}),
        [primary] { return primary; }, settings(), store::MirroredStore::Start::on_primary, journal,
        false);
    through.adopt();
    std::vector<std::thread> writers;
    std::atomic<int> failures{0};
    for (int t = 0; t < 3; ++t) {
        writers.emplace_back([&, t] {
            boost::asio::io_context io;
            for (int i = 0; i < 15; ++i) {
                auto created = run_bounded(io, through.create(spec_named("w" + std::to_string(t) +
                                                                         "-" + std::to_string(i)),
                                                              test::test_origin()));
                if (!created) ++failures;
            }
        });
    }
    for (auto& writer : writers) writer.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(mirror_.size(), 45u);
    store::ListQuery everything;
    everything.limit = 1000;
    auto listed = mirror_.list_now(everything);
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->items.size(), 45u);
}

}  // namespace
}  // namespace gateway::test
