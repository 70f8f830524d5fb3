#include "store/pg_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include "db/pg_fixture.hpp"
#include "db/pg_private_schema.hpp"
#include "domain/cursor.hpp"
#include "repository_contract.hpp"
#include "store/mirrored_store.hpp"
#include "store/pg_audit.hpp"
#include "support/api_specs.hpp"
#include "support/empty_journal.hpp"

namespace gateway::test {
namespace {

using domain::ApiSpec;
using domain::Precondition;
using store::StoreErrc;

config::DatabaseSettings test_settings() {
    config::DatabaseSettings settings;
    settings.pool_size = 4;
    settings.max_overflow = 4;
    settings.pool_timeout = 10s;
    settings.connect_timeout = 10s;
    settings.statement_timeout = 10s;
    return settings;
}

void skip_without_cluster() {
    GTEST_SKIP() << PgTestEnv::kVariable << " is not set; run these through `ctest -L pg`";
}

// The contract suite's factory: one schema per test process, migrated on first use (later
// calls find it up to date) and emptied for every test, behind a pool of its own, so
// every test starts from an empty store.
std::shared_ptr<store::PgStore> empty_pg_store_itself() {
    const auto env = PgTestEnv::from_environment();
    if (!env) {
        skip_without_cluster();
        return nullptr;
    }
    const std::string schema = "contract_" + std::to_string(::getpid());
    const std::string conninfo = with_search_path(env->conninfo(PgRole::app), schema);
    boost::asio::io_context io;
    auto prepared =
        run_bounded(io, prepare_schema(io.get_executor(), conninfo, schema, "TRUNCATE apis"));
    if (!prepared) throw std::runtime_error("preparing the schema: " + prepared.error().message);
    const auto settings = test_settings();
    return std::make_shared<store::PgStore>(db::ConnectionPool::create(conninfo, settings),
                                            settings);
}

std::shared_ptr<store::Repository> empty_pg_store() {
    return empty_pg_store_itself();
}

// The mirror in front of that PostgreSQL store, as the server runs it: writes go through
// PgStore, reads are answered from the mirror.
struct MirroredBundle {
    explicit MirroredBundle(std::shared_ptr<const db::Primary> primary_in)
        : primary(std::move(primary_in)) {}
    std::shared_ptr<const db::Primary> primary;
    store::MemoryStore mirror;
    EmptyJournal journal;
    store::MirroredStore store{mirror,
                               std::make_shared<db::CircuitBreaker>(db::CircuitBreaker::Options{}),
                               [this] { return primary; },
                               test_settings(),
                               store::MirroredStore::Start::on_primary,
                               journal,
                               false};
};

std::shared_ptr<store::Repository> empty_mirrored_store() {
    auto pg = empty_pg_store_itself();
    if (!pg) return nullptr;
    auto primary = std::make_shared<db::Primary>();
    primary->pool = pg->pool();
    auto bundle = std::make_shared<MirroredBundle>(std::move(primary));
    bundle->store.adopt();  // the schema is empty, and so is the mirror
    return std::shared_ptr<store::Repository>(bundle, &bundle->store);
}

}  // namespace
}  // namespace gateway::test

namespace gateway::testing {

// Named explicitly: gtest would otherwise print the factory's bytes, which hold an address
// that ASLR changes between CTest's discovery run and the test run.
INSTANTIATE_TEST_SUITE_P(PgStore, RepositoryContract, ::testing::Values(test::empty_pg_store),
                         [](const auto&) { return std::string("PostgreSQL"); });
INSTANTIATE_TEST_SUITE_P(MirroredStore, RepositoryContract,
                         ::testing::Values(test::empty_mirrored_store),
                         [](const auto&) { return std::string("MirrorOfPostgreSQL"); });

}  // namespace gateway::testing

namespace gateway::test {
namespace {

// Stores `operation`'s result in `slot` when it completes; an exception escapes io.run().
template <class T>
void spawn_into(boost::asio::io_context& io, boost::asio::awaitable<T> operation,
                std::optional<T>& slot) {
    boost::asio::co_spawn(
        io,
        [](boost::asio::awaitable<T> op, std::optional<T>& into) -> boost::asio::awaitable<void> {
            into.emplace(co_await std::move(op));
        }(std::move(operation), slot),
        [](std::exception_ptr error) {
            if (error) std::rethrow_exception(error);
        });
}

// A PgStore over a schema of this test's own.
class PgStoreTest : public PgTest {
  protected:
    void SetUp() override {
        PgTest::SetUp();
        if (IsSkipped()) return;
        schema_ = unique_schema_name("store");
        conninfo_ = with_search_path(app_conninfo(), schema_);
        auto prepared = run_bounded(io_, prepare_schema(io_.get_executor(), conninfo_, schema_));
        ASSERT_TRUE(prepared) << prepared.error().message;
        pool_ = db::ConnectionPool::create(conninfo_, test_settings());
        store_ = std::make_unique<store::PgStore>(pool_, test_settings());
    }

    template <class T>
    T call(boost::asio::awaitable<T> operation) {
        return run_bounded(io_, std::move(operation));
    }

    domain::ApiPtr must_create(const ApiSpec& spec) {
        auto created = call(store_->create(spec, test::test_origin()));
        if (!created) throw std::runtime_error("create failed: " + created.error().detail);
        return *created;
    }

    // A session outside the store, pointed at this test's schema.
    std::unique_ptr<db::PgConnection> side_session() {
        auto connection = connect(conninfo_);
        if (!connection) throw std::runtime_error("connect failed: " + connection.error().message);
        return std::move(connection).value();
    }

    // Ends `holder`'s transaction after `delay`: until then, writers that need what it
    // holds wait for it, which lines them up to race when it lets go.
    void release_after(db::PgConnection& holder, std::chrono::milliseconds delay) {
        boost::asio::co_spawn(
            io_,
            [](db::PgConnection& session,
               std::chrono::milliseconds wait) -> boost::asio::awaitable<void> {
                boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, wait);
                co_await timer.async_wait(boost::asio::use_awaitable);
                auto ended = co_await session.simple_query("ROLLBACK", 10s);
                if (!ended) throw std::runtime_error("ROLLBACK failed: " + ended.error().message);
            }(holder, delay),
            [](std::exception_ptr error) {
                if (error) std::rethrow_exception(error);
            });
    }

    void run_all() {
        io_.restart();
        io_.run_for(kPgTestBound);
    }

    std::string schema_;
    std::string conninfo_;
    std::shared_ptr<db::ConnectionPool> pool_;
    std::unique_ptr<store::PgStore> store_;
};

constexpr auto kRaceDelay = 300ms;

// Two creates that collide with each other, and with a row another transaction inserted
// but has not committed: both wait on the unique index until that transaction rolls back,
// then race for the value. Exactly one may win; the other gets the 409 for the field.
TEST_F(PgStoreTest, CreatesRacingForOneNameHaveExactlyOneWinner) {
    auto holder = side_session();
    ASSERT_TRUE(query(*holder,
                      "BEGIN; INSERT INTO apis (id, name, base_path, upstream_url, created_at, "
                      "updated_at) VALUES (gen_random_uuid(), 'race', '/held', 'http://h', now(), "
                      "now())"));
    auto first = spec_named("race");
    first.base_path = "/race-1";
    auto second = spec_named("RACE");
    second.base_path = "/race-2";
    std::optional<store::StoreResult<domain::ApiPtr>> a, b;
    spawn_into(io_, store_->create(first, test::test_origin()), a);
    spawn_into(io_, store_->create(second, test::test_origin()), b);
    release_after(*holder, kRaceDelay);
    run_all();

    ASSERT_TRUE(a && b);
    ASSERT_NE(a->has_value(), b->has_value()) << "exactly one create must win";
    const auto& loser = a->has_value() ? *b : *a;
    const auto& losing_spec = a->has_value() ? second : first;
    EXPECT_EQ(loser.error().code, StoreErrc::conflict);
    EXPECT_EQ(loser.error().detail, store::name_taken_detail(losing_spec.name));
}

TEST_F(PgStoreTest, CreatesRacingForOneBasePathHaveExactlyOneWinner) {
    auto holder = side_session();
    ASSERT_TRUE(query(*holder,
                      "BEGIN; INSERT INTO apis (id, name, base_path, upstream_url, created_at, "
                      "updated_at) VALUES (gen_random_uuid(), 'held', '/shared', 'http://h', "
                      "now(), now())"));
    auto first = spec_named("one");
    first.base_path = "/shared";
    auto second = spec_named("two");
    second.base_path = "/shared";
    std::optional<store::StoreResult<domain::ApiPtr>> a, b;
    spawn_into(io_, store_->create(first, test::test_origin()), a);
    spawn_into(io_, store_->create(second, test::test_origin()), b);
    release_after(*holder, kRaceDelay);
    run_all();

    ASSERT_TRUE(a && b);
    ASSERT_NE(a->has_value(), b->has_value()) << "exactly one create must win";
    const auto& loser = a->has_value() ? *b : *a;
    EXPECT_EQ(loser.error().code, StoreErrc::conflict);
    EXPECT_EQ(loser.error().detail, store::base_path_taken_detail("/shared"));
}

// Both patches read revision 1 while another session holds the row; the one that writes
// second finds the revision moved, re-reads, and applies its patch to the winner's result.
TEST_F(PgStoreTest, PatchesRacingWithoutIfMatchBothApply) {
    must_create(spec_named("shared"));
    auto holder = side_session();
    ASSERT_TRUE(query(*holder, "BEGIN; SELECT 1 FROM apis WHERE name = 'shared' FOR UPDATE"));
    std::optional<store::StoreResult<domain::ApiPtr>> a, b;
    spawn_into(io_,
               store_->patch("shared", patch_of(R"({"description":"from a"})"),
                             Precondition::none(), test::test_origin()),
               a);
    spawn_into(io_,
               store_->patch("shared", patch_of(R"({"timeout_ms":1234})"), Precondition::none(),
                             test::test_origin()),
               b);
    release_after(*holder, kRaceDelay);
    run_all();

    ASSERT_TRUE(a && b);
    ASSERT_TRUE(*a) << a->error().detail;
    ASSERT_TRUE(*b) << b->error().detail;
    EXPECT_EQ(std::min((**a)->revision, (**b)->revision), 2);
    EXPECT_EQ(std::max((**a)->revision, (**b)->revision), 3);
    auto final_state = call(store_->find("shared"));
    ASSERT_TRUE(final_state);
    EXPECT_EQ((*final_state)->revision, 3);
    EXPECT_EQ((*final_state)->spec.description, "from a");
    EXPECT_EQ((*final_state)->spec.timeout_ms, 1234);
}

TEST_F(PgStoreTest, PatchesRacingWithOneIfMatchHaveOneWinner) {
    must_create(spec_named("guarded"));
    auto holder = side_session();
    ASSERT_TRUE(query(*holder, "BEGIN; SELECT 1 FROM apis WHERE name = 'guarded' FOR UPDATE"));
    std::optional<store::StoreResult<domain::ApiPtr>> a, b;
    spawn_into(io_,
               store_->patch("guarded", patch_of(R"({"description":"a"})"),
                             Precondition::revision(1), test::test_origin()),
               a);
    spawn_into(io_,
               store_->patch("guarded", patch_of(R"({"description":"b"})"),
                             Precondition::revision(1), test::test_origin()),
               b);
    release_after(*holder, kRaceDelay);
    run_all();

    ASSERT_TRUE(a && b);
    ASSERT_NE(a->has_value(), b->has_value()) << "exactly one conditional patch must win";
    const auto& loser = a->has_value() ? *b : *a;
    EXPECT_EQ(loser.error().code, StoreErrc::precondition_failed);
    EXPECT_EQ(loser.error().detail, store::precondition_failed_detail(2));
}

TEST_F(PgStoreTest, ReplaceAndRemoveRacingWithIfMatchHaveOneWinner) {
    must_create(spec_named("contested"));
    auto holder = side_session();
    ASSERT_TRUE(query(*holder, "BEGIN; SELECT 1 FROM apis WHERE name = 'contested' FOR UPDATE"));
    auto changed = spec_named("contested");
    changed.enabled = false;
    std::optional<store::StoreResult<domain::ApiPtr>> replaced;
    std::optional<store::StoreResult<store::Done>> removed;
    spawn_into(
        io_, store_->replace("contested", changed, Precondition::revision(1), test::test_origin()),
        replaced);
    spawn_into(io_, store_->remove("contested", Precondition::revision(1), test::test_origin()),
               removed);
    release_after(*holder, kRaceDelay);
    run_all();

    ASSERT_TRUE(replaced && removed);
    ASSERT_NE(replaced->has_value(), removed->has_value()) << "exactly one write must win";
    if (replaced->has_value()) {
        EXPECT_EQ(removed->error().code, StoreErrc::precondition_failed);
    } else {
        EXPECT_EQ(replaced->error().code, StoreErrc::not_found);
    }
}

TEST_F(PgStoreTest, ClosedPoolMakesEveryOperationUnavailable) {
    must_create(spec_named("kept"));
    pool_->close();
    auto found = call(store_->find("kept"));
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, StoreErrc::unavailable);
    EXPECT_EQ(found.error().detail, "Database unavailable: the server is shutting down");
    auto created = call(store_->create(spec_named("new"), test::test_origin()));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, StoreErrc::unavailable);
    auto listed = call(store_->list({}));
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code, StoreErrc::unavailable);
    auto removed = call(store_->remove("kept", Precondition::none(), test::test_origin()));
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, StoreErrc::unavailable);
}

// A statement held up past its bound is a 503 with a safe detail, and the pool recovers.
// The server gets a bound of its own (statement_timeout), a little shorter than the
// client's: without it the abandoned UPDATE would go on waiting for the lock and commit
// once it got it, after the client had been told the write failed; with the same bound
// on both sides, the lock can be released between the client giving up and the server.
TEST_F(PgStoreTest, StatementPastItsTimeoutIsUnavailableAndNeverLandsLater) {
    must_create(spec_named("slow"));
    auto settings = test_settings();
    settings.statement_timeout = 300ms;
    const auto server_bound = settings.statement_timeout - 100ms;
    const std::string bounded = conninfo_.substr(0, conninfo_.size() - 1) +
                                " -c statement_timeout=" + std::to_string(server_bound.count()) +
                                "'";
    store::PgStore impatient(db::ConnectionPool::create(bounded, settings), settings);
    auto holder = side_session();
    ASSERT_TRUE(query(*holder, "BEGIN; SELECT 1 FROM apis WHERE name = 'slow' FOR UPDATE"));

    auto changed = spec_named("slow");
    changed.description = "waits for the lock";
    const auto started = std::chrono::steady_clock::now();
    auto replaced =
        call(impatient.replace("slow", changed, Precondition::none(), test::test_origin()));
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(replaced);
    EXPECT_EQ(replaced.error().code, StoreErrc::unavailable);
    EXPECT_EQ(replaced.error().detail,
              "Database unavailable: the statement timed out or was canceled (SQLSTATE 57014)");
    EXPECT_EQ(replaced.error().detail.find(env_.app_password), std::string::npos);
    EXPECT_LT(waited, 5s);

    ASSERT_TRUE(query(*holder, "ROLLBACK"));
    std::this_thread::sleep_for(200ms);  // room for a straggling UPDATE to commit, were there one
    auto found = call(impatient.find("slow"));
    ASSERT_TRUE(found) << found.error().detail;
    EXPECT_EQ((*found)->revision, 1);
    EXPECT_EQ((*found)->spec.description, "");
}

TEST_F(PgStoreTest, UnexpectedQueryErrorIsUnavailableNamingOnlyTheSqlstate) {
    auto session = side_session();
    ASSERT_TRUE(query(*session, "DROP TABLE apis"));
    auto found = call(store_->find("anything"));
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, StoreErrc::unavailable);
    EXPECT_EQ(found.error().detail, "Database unavailable: database error (SQLSTATE 42P01)");
}

TEST_F(PgStoreTest, IdWinsOverANameThatSpellsIt) {
    auto first = must_create(spec_named("first"));
    auto impostor = spec_named("impostor");
    impostor.name = first->id;
    auto second = must_create(impostor);
    auto found = call(store_->find(first->id));
    ASSERT_TRUE(found);
    EXPECT_EQ((*found)->id, first->id);
    auto removed = call(store_->remove(first->id, Precondition::none(), test::test_origin()));
    ASSERT_TRUE(removed);
    // With the id gone, the same text now names the other API.
    auto by_name = call(store_->find(first->id));
    ASSERT_TRUE(by_name);
    EXPECT_EQ((*by_name)->id, second->id);
}

TEST_F(PgStoreTest, RefsNoApiCouldHaveAreNotFoundWithoutADatabaseError) {
    must_create(spec_named("abc"));
    for (const std::string& ref : {std::string("\xff\xfe"), std::string("has space"),
                                   std::string(101, 'a'), std::string("abc\0def", 7)}) {
        auto found = call(store_->find(ref));
        ASSERT_FALSE(found);
        EXPECT_EQ(found.error().code, StoreErrc::not_found);
        auto replaced =
            call(store_->replace(ref, spec_named("x"), Precondition::none(), test::test_origin()));
        ASSERT_FALSE(replaced);
        EXPECT_EQ(replaced.error().code, StoreErrc::not_found);
        auto patched = call(store_->patch(ref, {}, Precondition::none(), test::test_origin()));
        ASSERT_FALSE(patched);
        EXPECT_EQ(patched.error().code, StoreErrc::not_found);
        auto removed = call(store_->remove(ref, Precondition::none(), test::test_origin()));
        ASSERT_FALSE(removed);
        EXPECT_EQ(removed.error().code, StoreErrc::not_found);
    }
}

TEST_F(PgStoreTest, TagsNoApiCouldCarryMatchNothing) {
    auto spec = spec_named("tagged");
    spec.tags = {"public"};
    must_create(spec);
    for (const std::string& tag : {std::string("has space"), std::string("\xff"), std::string()}) {
        store::ListQuery query;
        query.tags = {"public", tag};
        auto page = call(store_->list(query));
        ASSERT_TRUE(page) << page.error().detail;
        EXPECT_TRUE(page->items.empty());
        EXPECT_FALSE(page->next);
    }
}

TEST_F(PgStoreTest, CursorPastAnyStorableTimeMatchesNothing) {
    auto api = must_create(spec_named("early"));
    store::ListQuery query;
    query.after = domain::Cursor{9'000'000'000'000'000, api->id};
    auto page = call(store_->list(query));
    ASSERT_TRUE(page) << page.error().detail;
    EXPECT_TRUE(page->items.empty());
}

TEST_F(PgStoreTest, IfMatchWithOnlyWeakTagsAdmitsNoRevision) {
    must_create(spec_named("weak"));
    const auto weak = Precondition::from_if_match("W/\"1\"");
    auto changed = spec_named("weak");
    changed.enabled = false;
    auto replaced = call(store_->replace("weak", changed, weak, test::test_origin()));
    ASSERT_FALSE(replaced);
    EXPECT_EQ(replaced.error().code, StoreErrc::precondition_failed);
    auto removed = call(store_->remove("weak", weak, test::test_origin()));
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, StoreErrc::precondition_failed);
    auto any = call(
        store_->replace("weak", changed, Precondition::from_if_match("*"), test::test_origin()));
    ASSERT_TRUE(any);
    EXPECT_EQ((*any)->revision, 2);
}

TEST_F(PgStoreTest, NoOpWritesKeepRevisionAndUpdatedAt) {
    auto created = must_create(spec_named("still"));
    std::this_thread::sleep_for(5ms);
    auto replaced = call(
        store_->replace("still", spec_named("still"), Precondition::none(), test::test_origin()));
    ASSERT_TRUE(replaced);
    EXPECT_EQ((*replaced)->revision, 1);
    EXPECT_EQ((*replaced)->updated_at, created->updated_at);
    auto patched = call(store_->patch("still", patch_of(R"({"name":"still"})"),
                                      Precondition::revision(1), test::test_origin()));
    ASSERT_TRUE(patched);
    EXPECT_EQ((*patched)->revision, 1);
    EXPECT_EQ((*patched)->updated_at, created->updated_at);
}

TEST_F(PgStoreTest, StoredTimestampsAreWholeMillisecondsFromTheDatabase) {
    auto created = must_create(spec_named("clock"));
    auto session = side_session();
    auto rows = query(*session,
                      "SELECT count(*) FROM apis WHERE created_at <> date_trunc('milliseconds', "
                      "created_at) OR updated_at <> created_at");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->integer(0, 0), 0);
    auto found = call(store_->find("clock"));
    ASSERT_TRUE(found);
    EXPECT_EQ((*found)->created_at, created->created_at);
}

TEST_F(PgStoreTest, DescriptionWithNulIsInvalidRatherThanTruncated) {
    auto spec = spec_named("nul");
    spec.description = std::string("before\0after", 12);
    auto created = call(store_->create(spec, test::test_origin()));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, StoreErrc::invalid);
    ASSERT_EQ(created.error().field_errors.size(), 1u);
    EXPECT_EQ(created.error().field_errors[0].loc,
              (std::vector<std::string>{"body", "description"}));
}

TEST_F(PgStoreTest, EveryChangeWritesItsAuditRowWithTheChange) {
    auto created = must_create(spec_named("trail"));
    auto patched = call(store_->patch("trail", patch_of(R"({"timeout_ms":7})"),
                                      Precondition::none(), test::test_origin()));
    ASSERT_TRUE(patched);
    ASSERT_TRUE(call(store_->remove("trail", Precondition::none(), test::test_origin())));
    auto page = call(store_->audit(store::AuditQuery{}));
    ASSERT_TRUE(page) << page.error().detail;
    ASSERT_EQ(page->items.size(), 3u);
    EXPECT_EQ(page->items[0].action, domain::AuditAction::remove);
    EXPECT_EQ(page->items[0].revision_before, 2);
    EXPECT_EQ(page->items[1].action, domain::AuditAction::patch);
    EXPECT_EQ(page->items[1].changed_fields, (std::vector<std::string>{"timeout_ms"}));
    EXPECT_EQ(page->items[2].action, domain::AuditAction::create);
    EXPECT_EQ(page->items[2].at, created->created_at);
    for (const auto& record : page->items) {
        EXPECT_EQ(record.origin, test::test_origin());
        EXPECT_EQ(record.api_id, created->id);
        EXPECT_EQ(record.api_name, "trail");
    }
}

// A keyed write runs in a transaction; when it fails after its change (here the answer
// cannot be recorded), the change and its audit row roll back together.
TEST_F(PgStoreTest, AWriteThatRollsBackLeavesNoAuditRow) {
    auto session = side_session();
    ASSERT_TRUE(query(*session,
                      "CREATE FUNCTION refuse_answer() RETURNS trigger LANGUAGE plpgsql AS $$ "
                      "BEGIN RAISE EXCEPTION 'refused by the test'; END $$; "
                      "CREATE TRIGGER refuse_answer BEFORE UPDATE ON idempotency_keys "
                      "FOR EACH ROW EXECUTE FUNCTION refuse_answer()"));
    store::WriteRequest write;
    write.kind = store::WriteRequest::Kind::create;
    write.spec = spec_named("rolledback");
    write.origin = test::test_origin();
    auto written = call(store_->write_once(store::IdempotencyKey{"audit-rollback", "f"}, write));
    ASSERT_FALSE(written);
    auto apis = query(*session, "SELECT count(*) FROM apis WHERE name = 'rolledback'");
    ASSERT_TRUE(apis);
    EXPECT_EQ(apis->integer(0, 0), 0);
    auto rows = query(*session, "SELECT count(*) FROM audit_log");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->integer(0, 0), 0);

    // A refused plain write (a duplicate name) leaves none either.
    must_create(spec_named("taken"));
    auto duplicate = call(store_->create(spec_named("taken"), test::test_origin()));
    ASSERT_FALSE(duplicate);
    rows = query(*session, "SELECT count(*) FROM audit_log WHERE api_name = 'taken'");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->integer(0, 0), 1);
}

TEST_F(PgStoreTest, ARetriedKeyedWriteRecordsOnce) {
    store::WriteRequest write;
    write.kind = store::WriteRequest::Kind::create;
    write.spec = spec_named("keyedonce");
    write.origin = test::test_origin();
    const store::IdempotencyKey key{"audit-once", "fingerprint"};
    ASSERT_TRUE(call(store_->write_once(key, write)));
    auto again = call(store_->write_once(key, write));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->replayed);
    auto session = side_session();
    auto rows = query(*session, "SELECT count(*) FROM audit_log WHERE api_name = 'keyedonce'");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->integer(0, 0), 1);
}

TEST_F(PgStoreTest, ThePurgeDeletesRecordsPastTheRetentionOnly) {
    must_create(spec_named("recent"));
    auto session = side_session();
    ASSERT_TRUE(query(*session,
                      "INSERT INTO audit_log (at, actor, client_address, request_id, action, "
                      "api_id, api_name, changed_fields) SELECT now() - interval '100 days', "
                      "'old', '-', '', 'create', gen_random_uuid(), 'ancient', '{}' "
                      "FROM generate_series(1, 3)"));
    auto purged = call(store::purge_audit(*session, std::chrono::days(90), 2, 10s));
    ASSERT_TRUE(purged) << purged.error().message;
    EXPECT_EQ(*purged, 2) << "at most a batch";
    purged = call(store::purge_audit(*session, std::chrono::days(90), 2, 10s));
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, 1);
    auto rows = query(*session, "SELECT string_agg(api_name, ',') FROM audit_log");
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->text(0, 0), "recent");
}

}  // namespace
}  // namespace gateway::test
