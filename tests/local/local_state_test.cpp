// The local snapshot: what the mirror reports is on disk once the writer says so, comes
// back as it was after a reopen, and one directory serves one process at a time.
#include "local/local_state.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "domain/ids.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::local {
namespace {

namespace asio = boost::asio;
using test::TemporaryDirectory;

domain::ApiPtr stored_sample_api(const std::string& name, std::int64_t revision = 1) {
    auto api = std::make_shared<domain::Api>();
    api->id = domain::new_api_id();
    api->spec.name = name;
    api->spec.description = "with \"quotes\" and ünïcode";
    api->spec.base_path = "/" + name;
    api->spec.upstream_url = "http://127.0.0.1:9000";
    api->spec.methods = {"GET", "POST"};
    api->spec.rate_limit_per_minute = 600;
    api->spec.tags = {"one", "two"};
    api->revision = revision;
    api->created_at = 1'700'000'000'000 + revision;
    api->updated_at = api->created_at + 5;
    return api;
}

SnapshotMark sample_mark() {
    return SnapshotMark{"postgresql://app:***@127.0.0.1:5432/db", 4242, 1'700'000'123'456};
}

TEST(LocalStateTest, WhatTheMirrorReportedComesBackAfterAReopen) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    const auto kept = stored_sample_api("kept");
    const auto changed = stored_sample_api("changed");
    auto changed_later = std::make_shared<domain::Api>(*changed);
    changed_later->revision = 2;
    changed_later->spec.enabled = false;
    const auto dropped = stored_sample_api("dropped");
    {
        LocalState state(directory);
        EXPECT_FALSE(state.read_snapshot().present);
        state.start([] { return sample_mark(); });
        state.stored(kept);
        state.stored(changed);
        state.stored(dropped);
        state.stored(changed_later);
        state.removed(dropped->id);
        state.stop();
    }
    LocalState reopened(directory);
    const Snapshot snapshot = reopened.read_snapshot();
    EXPECT_TRUE(snapshot.present);
    EXPECT_EQ(snapshot.mark, sample_mark());
    EXPECT_EQ(snapshot.unreadable, 0u);
    ASSERT_EQ(snapshot.apis.size(), 2u);
    for (const auto& api : snapshot.apis) {
        const auto& expected = api.id == kept->id ? *kept : *changed_later;
        EXPECT_EQ(api.id, expected.id);
        EXPECT_EQ(api.spec, expected.spec);
        EXPECT_EQ(api.revision, expected.revision);
        EXPECT_EQ(api.created_at, expected.created_at);
        EXPECT_EQ(api.updated_at, expected.updated_at);
    }
}

TEST(LocalStateTest, AResetEmptiesTheSnapshotBeforeWhatFollows) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    const auto old_api = stored_sample_api("old");
    const auto new_api = stored_sample_api("new");
    {
        LocalState state(directory);
        state.start([] { return sample_mark(); });
        state.stored(old_api);
        state.stop();
    }
    {
        LocalState state(directory);
        state.read_snapshot();
        state.start([] { return sample_mark(); });
        state.reset_snapshot();
        state.stored(new_api);
        state.stop();
    }
    LocalState reopened(directory);
    const Snapshot snapshot = reopened.read_snapshot();
    ASSERT_EQ(snapshot.apis.size(), 1u);
    EXPECT_EQ(snapshot.apis.front().id, new_api->id);
}

TEST(LocalStateTest, AWaiterIsToldOnceItsChangeIsOnDisk) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    const auto api = stored_sample_api("waited");
    // Outlives the state: the writer thread may still be inside its post to this loop
    // when the loop has run the completion and returned.
    asio::io_context io;
    LocalState state(directory);
    state.start([] { return SnapshotMark{}; });
    state.stored(api);
    const auto ticket = state.last_ticket();
    EXPECT_EQ(ticket, 1u);

    auto written = asio::co_spawn(
        io,
        [&]() -> asio::awaitable<bool> {
            co_return co_await state.async_wait_written(ticket, asio::use_awaitable);
        },
        asio::use_future);
    io.run();
    EXPECT_TRUE(written.get());
    EXPECT_NE(state.last_written(), 0);
    EXPECT_EQ(state.last_failure(), "");

    // Read by a second connection while the first is still open: it is committed.
    sqlite3* db = nullptr;
    ASSERT_EQ(
        sqlite3_open_v2((directory / "state.sqlite3").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_stmt* count = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM snapshot_apis", -1, &count, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(count, 0), 1);
    sqlite3_finalize(count);
    sqlite3_close(db);
}

TEST(LocalStateTest, JournalEntriesComeBackInOrderUntilSettled) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    const auto api = stored_sample_api("journaled", 3);
    {
        LocalState state(directory);
        state.start([] { return SnapshotMark{}; });
        for (std::int64_t seq = 1; seq <= 3; ++seq) {
            domain::JournalEntry entry;
            entry.seq = seq;
            entry.entry_id = domain::new_api_id();
            entry.op = seq == 3 ? domain::JournalOp::remove : domain::JournalOp::update;
            entry.api_id = api->id;
            entry.base_revision = seq + 1;
            if (entry.op != domain::JournalOp::remove) entry.result = *api;
            entry.accepted_at = 1'700'000'000'000 + seq;
            if (seq == 3) entry.idempotency = domain::JournalKey{"retry-3", "fingerprint-3"};
            state.append_journal(std::move(entry));
        }
        state.journal_applied(1);
        state.journal_conflict(2, "the API was changed meanwhile");
        state.stop();
    }
    LocalState reopened(directory);
    const auto entries = reopened.read_journal();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].seq, 2);
    EXPECT_EQ(entries[0].conflict, "the API was changed meanwhile");
    ASSERT_TRUE(entries[0].result);
    EXPECT_EQ(entries[0].result->spec, api->spec);
    EXPECT_EQ(entries[0].result->revision, 3);
    EXPECT_EQ(entries[0].base_revision, 3);
    EXPECT_EQ(entries[1].seq, 3);
    EXPECT_EQ(entries[1].op, domain::JournalOp::remove);
    EXPECT_FALSE(entries[1].result);
    EXPECT_EQ(entries[1].conflict, "");
    EXPECT_EQ(entries[1].accepted_at, 1'700'000'000'003);
    EXPECT_FALSE(entries[0].idempotency);
    ASSERT_TRUE(entries[1].idempotency);
    EXPECT_EQ(entries[1].idempotency->key, "retry-3");
    EXPECT_EQ(entries[1].idempotency->fingerprint, "fingerprint-3");
}

TEST(LocalStateTest, ASecondProcessOnTheSameDirectoryIsRefused) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    LocalState first(directory);
    try {
        LocalState second(directory);
        FAIL() << "a second open of the same directory succeeded";
    } catch (const LocalStateError& error) {
        const std::string what = error.what();
        EXPECT_EQ(what.rfind("DATA_DIR: ", 0), 0u) << what;
        EXPECT_NE(what.find("in use by another process"), std::string::npos) << what;
    }
}

TEST(LocalStateTest, ADirectoryThatCannotBeCreatedIsAStartUpErrorNamingDataDir) {
    TemporaryDirectory temporary;
    const auto file = temporary.write("plain-file", "not a directory");
    try {
        LocalState state(std::filesystem::path(file) / "data");
        FAIL() << "a directory under a plain file was accepted";
    } catch (const LocalStateError& error) {
        const std::string what = error.what();
        EXPECT_EQ(what.rfind("DATA_DIR: cannot create ", 0), 0u) << what;
    }
}

TEST(LocalStateTest, AFileOfANewerLayoutIsRefusedRatherThanGuessedAt) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    { LocalState state(directory); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((directory / "state.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    try {
        LocalState state(directory);
        FAIL() << "a file of layout 99 was opened";
    } catch (const LocalStateError& error) {
        EXPECT_NE(std::string(error.what()).find("newer version"), std::string::npos)
            << error.what();
    }
}

// A file of the first layout (no idempotency columns in the journal) is brought up to
// date, its entries kept.
TEST(LocalStateTest, AFileOfTheFirstLayoutIsUpgradedWithItsJournal) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    std::filesystem::create_directories(directory);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((directory / "state.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE journal (seq INTEGER PRIMARY KEY, entry_id TEXT NOT NULL "
                           "UNIQUE, op TEXT NOT NULL, api_id TEXT NOT NULL, base_revision "
                           "INTEGER, revision INTEGER, created_at INTEGER, updated_at INTEGER, "
                           "spec TEXT, accepted_at INTEGER NOT NULL, conflict TEXT);"
                           "INSERT INTO journal (seq, entry_id, op, api_id, base_revision, "
                           "accepted_at) VALUES (1, 'e1', 'delete', 'a1', 4, 1700000000000);"
                           "PRAGMA user_version=1",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    LocalState state(directory);
    const auto entries = state.read_journal();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].op, domain::JournalOp::remove);
    EXPECT_EQ(entries[0].base_revision, 4);
    EXPECT_FALSE(entries[0].idempotency);
    // Kept no audit record: its replay records what the entry says.
    EXPECT_FALSE(entries[0].audit);
    const auto record = domain::audit_record_of_entry(entries[0]);
    EXPECT_EQ(record.action, domain::AuditAction::remove);
    EXPECT_EQ(record.origin.actor, "unknown");
    EXPECT_EQ(record.at, 1'700'000'000'000);
    EXPECT_EQ(record.revision_before, 4);
}

// A file of the second layout (no audit columns) is brought up to date too; entries
// written from then on keep their audit record.
TEST(LocalStateTest, AFileOfTheSecondLayoutIsUpgradedAndKeepsAuditRecordsFromThenOn) {
    TemporaryDirectory temporary;
    const auto directory = temporary.path() / "data";
    std::filesystem::create_directories(directory);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((directory / "state.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE journal (seq INTEGER PRIMARY KEY, entry_id TEXT NOT NULL "
                           "UNIQUE, op TEXT NOT NULL, api_id TEXT NOT NULL, base_revision "
                           "INTEGER, revision INTEGER, created_at INTEGER, updated_at INTEGER, "
                           "spec TEXT, accepted_at INTEGER NOT NULL, conflict TEXT, "
                           "idempotency_key TEXT, fingerprint TEXT);"
                           "INSERT INTO journal (seq, entry_id, op, api_id, base_revision, "
                           "accepted_at) VALUES (1, 'e1', 'delete', 'a1', 4, 1700000000000);"
                           "PRAGMA user_version=2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    const auto api = stored_sample_api("audited", 2);
    domain::AuditRecord audit;
    audit.at = 1'700'000'000'001;
    audit.origin = {"deployer", "127.0.0.1", "req-2"};
    audit.action = domain::AuditAction::patch;
    audit.api_id = api->id;
    audit.api_name = api->spec.name;
    audit.revision_before = 1;
    audit.revision_after = 2;
    audit.changed_fields = {"description", "tags"};
    {
        LocalState state(directory);
        EXPECT_EQ(state.read_journal().size(), 1u);
        state.start([] { return SnapshotMark{}; });
        domain::JournalEntry entry;
        entry.seq = 2;
        entry.entry_id = domain::new_api_id();
        entry.op = domain::JournalOp::update;
        entry.api_id = api->id;
        entry.base_revision = 1;
        entry.result = *api;
        entry.accepted_at = audit.at;
        entry.audit = audit;
        state.append_journal(std::move(entry));
        state.stop();
    }
    LocalState reopened(directory);
    const auto entries = reopened.read_journal();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_FALSE(entries[0].audit);
    ASSERT_TRUE(entries[1].audit);
    EXPECT_EQ(*entries[1].audit, audit);
}

}  // namespace
}  // namespace gateway::local
