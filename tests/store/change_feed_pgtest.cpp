// The change feed against the real PostgreSQL: every committed change is recorded in the
// writer's own transaction, and a reader that follows the feed misses nothing even when
// transactions commit in another order than they took their positions.
#include "store/change_feed.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>

#include "db/pg_fixture.hpp"
#include "db/pg_private_schema.hpp"
#include "domain/ids.hpp"

namespace gateway::test {
namespace {

class ChangeFeedTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        if (IsSkipped()) return;
        schema_ = unique_schema_name("feed");
        conninfo_ = with_search_path(app_conninfo(), schema_);
        auto prepared = run_bounded(io_, prepare_schema(io_.get_executor(), conninfo_, schema_));
        ASSERT_TRUE(prepared) << prepared.error().message;
        reader_ = must_open();
    }

    std::unique_ptr<db::PgConnection> must_open() {
        auto connection = connect(conninfo_);
        if (!connection) throw std::runtime_error(connection.error().message);
        return std::move(connection).value();
    }

    // Inserts an API with plain SQL on `connection` (inside whatever transaction is open
    // there) and returns its id.
    std::string insert_api(db::PgConnection& connection, const std::string& name) {
        const std::string id = domain::new_api_id();
        auto done = query(connection,
                          "INSERT INTO apis (id, name, base_path, upstream_url, created_at, "
                          "updated_at) VALUES ('" +
                              id + "', '" + name + "', '/" + name +
                              "', 'http://127.0.0.1:9/', now(), now())");
        if (!done) throw std::runtime_error(done.error().message);
        return id;
    }

    store::FeedBatch must_read(store::FeedPosition from) {
        auto batch = run_bounded(io_, store::read_changes(*reader_, from, 10s));
        if (!batch) throw std::runtime_error(batch.error().message);
        return std::move(batch).value();
    }

    static bool mentions(const store::FeedBatch& batch, const std::string& id) {
        return std::any_of(batch.changes.begin(), batch.changes.end(),
                           [&](const store::FeedChange& change) { return change.api_id == id; });
    }

    std::string schema_;
    std::string conninfo_;
    std::unique_ptr<db::PgConnection> reader_;
};

TEST_F(ChangeFeedTest, ALoadThenTheFeedSeeEveryCommittedChangeOnce) {
    auto writer = must_open();
    const std::string before = insert_api(*writer, "before");
    auto snapshot = run_bounded(io_, store::load_all_apis(*reader_, 10s));
    ASSERT_TRUE(snapshot) << snapshot.error().message;
    ASSERT_EQ(snapshot->apis.size(), 1u);
    EXPECT_EQ(snapshot->apis[0]->id, before);

    const std::string after = insert_api(*writer, "after");
    ASSERT_TRUE(query(*writer,
                      "UPDATE apis SET description = 'x', revision = revision + 1 "
                      "WHERE id = '" +
                          after + "'"));
    ASSERT_TRUE(query(*writer, "DELETE FROM apis WHERE id = '" + before + "'"));
    const auto batch = must_read(snapshot->position);
    EXPECT_FALSE(batch.pruned_past);
    // Changes of transactions that were open when the position was taken (other tests
    // share the cluster) may come again; by design, so only the order of ours counts.
    std::vector<store::FeedChange> ours;
    for (const auto& change : batch.changes) {
        const bool after_change = change.api_id == after;
        const bool before_deleted = change.api_id == before && change.deleted;
        if (after_change || before_deleted) ours.push_back(change);
    }
    ASSERT_EQ(ours.size(), 3u);
    EXPECT_EQ(ours[0].api_id, after);
    EXPECT_EQ(ours[0].revision, 1);
    EXPECT_EQ(ours[1].revision, 2);
    EXPECT_EQ(ours[2].api_id, before);
    EXPECT_TRUE(ours[2].deleted);
}

TEST_F(ChangeFeedTest, AWriteThatChangesNothingIsNotRecorded) {
    auto writer = must_open();
    const std::string id = insert_api(*writer, "still");
    ASSERT_TRUE(query(*writer, "UPDATE apis SET name = name WHERE id = '" + id + "'"));
    auto rows = query(*writer, "SELECT count(*) FROM api_changes WHERE api_id = '" + id + "'");
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(rows->integer(0, 0), 1) << "only the insert";
}

TEST_F(ChangeFeedTest, ATransactionThatCommitsAfterALaterPositionedOneIsNotMissed) {
    auto slow = must_open();
    auto fast = must_open();
    const auto start = must_read(0).next;

    // `slow` takes its feed position first, `fast` a later one, and `fast` commits first.
    ASSERT_TRUE(query(*slow, "BEGIN"));
    const std::string slow_id = insert_api(*slow, "slow");
    const std::string fast_id = insert_api(*fast, "fast");

    const auto first = must_read(start);
    EXPECT_TRUE(mentions(first, fast_id));
    EXPECT_FALSE(mentions(first, slow_id)) << "not committed yet";

    ASSERT_TRUE(query(*slow, "COMMIT"));
    // A reader keeping "the highest position read" would skip the slow one now.
    const auto second = must_read(first.next);
    EXPECT_TRUE(mentions(second, slow_id));
}

TEST_F(ChangeFeedTest, ADeleteIsRecordedWithTheLastRevision) {
    auto writer = must_open();
    const std::string id = insert_api(*writer, "gone");
    const auto start = must_read(0).next;
    ASSERT_TRUE(query(*writer, "DELETE FROM apis WHERE id = '" + id + "'"));
    const auto batch = must_read(start);
    const auto deleted = std::find_if(
        batch.changes.begin(), batch.changes.end(),
        [&](const store::FeedChange& change) { return change.api_id == id && change.deleted; });
    ASSERT_NE(deleted, batch.changes.end());
    EXPECT_EQ(deleted->revision, 1);
}

TEST_F(ChangeFeedTest, PruningPastAReaderTellsItToLoadEverything) {
    auto writer = must_open();
    const auto start = must_read(0).next;
    insert_api(*writer, "old");
    // Age the rows rather than wait: retention is counted from changed_at.
    ASSERT_TRUE(
        query(*writer, "UPDATE api_changes SET changed_at = changed_at - interval '2 hours'"));
    // Only rows of ended transactions are pruned, and other tests' transactions may hold
    // the cluster's xmin back for a while: try until the row is settled.
    std::int64_t pruned = 0;
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (pruned == 0 && std::chrono::steady_clock::now() < give_up) {
        auto done = run_bounded(io_, store::prune_changes(*writer, std::chrono::hours(1), 10s));
        ASSERT_TRUE(done) << done.error().message;
        pruned = *done;
        if (pruned == 0) std::this_thread::sleep_for(50ms);
    }
    EXPECT_GE(pruned, 1);
    EXPECT_TRUE(must_read(start).pruned_past);
    // A reader that starts after the pruned rows is not affected.
    EXPECT_FALSE(must_read(must_read(start).next).pruned_past);
}

TEST_F(ChangeFeedTest, PruningForgetsReplayedJournalEntriesAfterAWeek) {
    auto writer = must_open();
    const std::string old_entry = domain::new_api_id();
    const std::string recent_entry = domain::new_api_id();
    ASSERT_TRUE(query(*writer, "INSERT INTO journal_applied (entry_id, applied_at) VALUES ('" +
                                   old_entry + "', now() - interval '8 days'), ('" + recent_entry +
                                   "', now() - interval '6 days')"));
    auto done = run_bounded(io_, store::prune_changes(*writer, std::chrono::hours(1), 10s));
    ASSERT_TRUE(done) << done.error().message;
    auto rows = query(*writer, "SELECT entry_id::text FROM journal_applied WHERE entry_id IN ('" +
                                   old_entry + "', '" + recent_entry + "')");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->rows(), 1);
    EXPECT_EQ(rows->text(0, 0), recent_entry);
}

TEST_F(ChangeFeedTest, FetchReturnsCurrentRowsAndOmitsDeletedOnes) {
    auto writer = must_open();
    const std::string kept = insert_api(*writer, "kept");
    const std::string gone = insert_api(*writer, "gone");
    ASSERT_TRUE(query(*writer, "DELETE FROM apis WHERE id = '" + gone + "'"));
    auto fetched = run_bounded(io_, store::fetch_apis(*reader_, {kept, gone}, 10s));
    ASSERT_TRUE(fetched) << fetched.error().message;
    ASSERT_EQ(fetched->size(), 1u);
    EXPECT_EQ((*fetched)[0]->id, kept);
}

TEST_F(ChangeFeedTest, AWriteStartingAfterItsDeadlineFailsWithoutApplying) {
    auto writer = must_open();
    const std::string id = insert_api(*writer, "late");
    auto late = query(*writer, "UPDATE apis SET description = 'late' WHERE id = '" + id +
                                   "' AND gateway_before_deadline(now() - interval '1 second')");
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().sqlstate, "GW001");
    auto description = query(*writer, "SELECT description FROM apis WHERE id = '" + id + "'");
    ASSERT_TRUE(description);
    EXPECT_EQ(description->text(0, 0), "");
}

}  // namespace
}  // namespace gateway::test
