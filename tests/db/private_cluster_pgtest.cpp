// PrivatePgCluster itself: a cluster stopped or crashed by a test comes back on the same
// port, with what was committed before.
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "pg_fixture.hpp"
#include "support/private_pg_cluster.hpp"

namespace gateway::test {
namespace {

using db::DbErrc;

class PrivateClusterTest : public PgTest {
  protected:
    void SetUp() override {
        // The shared cluster's variable is the switch, as for the other pg tests; the
        // connections go to the private cluster.
        PgTest::SetUp();
        if (IsSkipped()) return;
        cluster_ = std::make_unique<PrivatePgCluster>(GATEWAY_PG_TEST_CLUSTER_SCRIPT);
        env_ = cluster_->env();
    }

    void must_query(db::PgConnection& connection, std::string_view sql) {
        auto done = query(connection, sql);
        ASSERT_TRUE(done) << sql << ": " << done.error().message;
    }

    std::unique_ptr<PrivatePgCluster> cluster_;
};

TEST_F(PrivateClusterTest, CrashThenStartRecoversWhatWasCommitted) {
    auto before = must_connect();
    // The cluster commits asynchronously for speed; this session waits for its commits to
    // reach the write-ahead log, which is what survives a crash.
    must_query(*before, "SET synchronous_commit = on");
    must_query(*before, "CREATE TABLE survivor (n integer)");
    must_query(*before, "INSERT INTO survivor VALUES (7)");

    cluster_->crash();
    auto lost = query(*before, "SELECT 1");
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().code, DbErrc::connection_lost) << lost.error().message;
    auto refused = connect(app_conninfo());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, DbErrc::connect_failed) << refused.error().message;

    cluster_->start_server();
    auto after = must_connect();
    auto row = query(*after, "SELECT n FROM survivor");
    ASSERT_TRUE(row) << row.error().message;
    ASSERT_EQ(row->rows(), 1);
    EXPECT_EQ(row->integer(0, 0), 7);
}

TEST_F(PrivateClusterTest, StopAndStartKeepThePort) {
    const std::string port = env_.port;
    cluster_->stop_server();
    cluster_->start_server();
    EXPECT_EQ(cluster_->env().port, port);
    auto connection = must_connect();
    auto listening = query(*connection, "SELECT current_setting('port')");
    ASSERT_TRUE(listening) << listening.error().message;
    EXPECT_EQ(listening->text(0, 0), port);
}

TEST_F(PrivateClusterTest, FreezeStopsEveryProcessAndThawResumesThemAll) {
    auto connection = must_connect();  // at least one backend besides the auxiliaries
    // Each line of process_states() is "pid state command"; state T is stopped. A
    // signal takes effect a moment after kill() returns: the states are polled.
    const auto count = [](const std::string& states) {
        std::size_t stopped = 0, lines = 0;
        std::istringstream in(states);
        for (std::string line; std::getline(in, line); ++lines) {
            std::istringstream fields(line);
            std::string pid, state;
            if (fields >> pid >> state && state == "T") ++stopped;
        }
        return std::pair{stopped, lines};
    };
    const auto settles = [&](auto wanted) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::string states;
        do {
            states = cluster_->process_states();
            if (wanted(count(states))) return states;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } while (std::chrono::steady_clock::now() < deadline);
        ADD_FAILURE() << "the cluster's processes did not settle:\n" << states;
        return states;
    };

    cluster_->freeze();
    settles([](auto counts) {
        return counts.second >= 2 && counts.first == counts.second;  // postmaster + backend
    });
    cluster_->thaw();
    settles([](auto counts) { return counts.first == 0; });
    auto answer = query(*connection, "SELECT 1");
    EXPECT_TRUE(answer) << answer.error().message;
}

}  // namespace
}  // namespace gateway::test
