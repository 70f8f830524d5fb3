#include "local/local_state.hpp"

#include <charconv>
#include <chrono>

#include <spdlog/spdlog.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/api_json.hpp"
#include "domain/timestamps.hpp"
#include "domain/validation.hpp"
#include "store/freed_memory.hpp"

namespace gateway::local {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr const char* kFileName = "state.sqlite3";
// The layout this build writes; a file from a newer build is refused, not guessed at.
// 2 added the journal's idempotency_key and fingerprint; 3 its audit record (the action, who
// made the change, from where, the request's id, the API's name and the fields changed).
constexpr std::int64_t kSchemaVersion = 3;
// With nothing to write, the writer still records a newer mark (synced_at moves on while
// the mirror follows the feed) this often.
constexpr auto kMarkInterval = 5s;
// After a failed write, the writer waits this long before it tries again.
constexpr auto kRetryPause = 1s;
// Once this many changes were written (the mirror's first load, say) and the writer then
// finds nothing to do, the memory their queue held is handed back to the system.
constexpr std::size_t kLargeBatch = 10'000;
constexpr auto kBurstSettle = 200ms;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journal (
    seq           INTEGER PRIMARY KEY,
    entry_id      TEXT NOT NULL UNIQUE,
    op            TEXT NOT NULL,
    api_id        TEXT NOT NULL,
    base_revision INTEGER,
    revision      INTEGER,
    created_at    INTEGER,
    updated_at    INTEGER,
    spec          TEXT,
    accepted_at   INTEGER NOT NULL,
    conflict      TEXT,
    idempotency_key TEXT,
    fingerprint   TEXT,
    audit_action  TEXT,
    actor         TEXT,
    client_address TEXT,
    request_id    TEXT,
    api_name      TEXT,
    changed_fields TEXT
);
CREATE TABLE IF NOT EXISTS snapshot_apis (
    id         TEXT PRIMARY KEY,
    revision   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    spec       TEXT NOT NULL
);
)sql";

std::int64_t schema_version(SqliteDb& db) {
    auto statement = db.prepare("PRAGMA user_version");
    return statement.step() ? statement.integer(0) : 0;
}

std::optional<std::string> state_value(SqliteDb& db, std::string_view key) {
    auto statement = db.prepare("SELECT value FROM state WHERE key = ?1");
    statement.bind(1, key);
    if (!statement.step()) return std::nullopt;
    return statement.text(0);
}

std::int64_t as_integer(const std::optional<std::string>& text) {
    std::int64_t value = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
}

// The writable fields as stored (spec_to_json_object), validated again on the way in.
std::optional<domain::ApiSpec> spec_from_text(const std::string& text) {
    boost::system::error_code ec;
    const auto document = boost::json::parse(text, ec);
    if (ec || !document.is_object()) return std::nullopt;
    auto spec = domain::spec_from_json(document.as_object());
    if (!spec) return std::nullopt;
    return std::move(spec).value();
}

std::optional<domain::Api> api_from_row(const SqliteStatement& row) {
    domain::Api api;
    api.id = row.text(0);
    api.revision = row.integer(1);
    api.created_at = row.integer(2);
    api.updated_at = row.integer(3);
    auto spec = spec_from_text(row.text(4));
    if (!spec) return std::nullopt;
    api.spec = std::move(*spec);
    return api;
}

// Columns 13..18 of the journal's rows: the audit record kept with the entry, or none
// (an entry journaled before records were kept).
std::optional<domain::AuditRecord> audit_from_row(const SqliteStatement& row,
                                                  const domain::JournalEntry& entry) {
    if (row.is_null(13)) return std::nullopt;
    const auto action = domain::audit_action_from(row.text(13));
    if (!action) return std::nullopt;
    domain::AuditRecord record;
    record.at = entry.accepted_at;
    record.action = *action;
    record.origin.actor = row.is_null(14) ? std::string("unknown") : row.text(14);
    record.origin.client_address = row.is_null(15) ? std::string("-") : row.text(15);
    record.origin.request_id = row.is_null(16) ? std::string() : row.text(16);
    record.api_id = entry.api_id;
    record.api_name = row.is_null(17) ? std::string() : row.text(17);
    if (!row.is_null(18)) record.changed_fields = domain::split_field_names(row.text(18));
    record.revision_before = entry.base_revision;
    if (*action != domain::AuditAction::remove) record.revision_after = row.optional_integer(5);
    return record;
}

std::unique_ptr<SqliteDb> open_database(const std::filesystem::path& file) {
    try {
        auto db = std::make_unique<SqliteDb>(file);
        // WAL: readers never wait for the writer; FULL: a commit is on disk when it
        // returns, which is what lets a write be acknowledged after it.
        db->exec("PRAGMA journal_mode=WAL");
        db->exec("PRAGMA synchronous=FULL");
        db->exec("PRAGMA busy_timeout=5000");
        // A 256 KiB page cache instead of the default 2 MiB: the file is written in
        // batches and read once at start, so a larger cache only adds resident memory
        // (2 MiB with 100,000 APIs mirrored) without making either faster.
        db->exec("PRAGMA cache_size=-256");
        const auto version = schema_version(*db);
        if (version > kSchemaVersion) {
            throw LocalStateError(file.string() + " was written by a newer version (layout " +
                                  std::to_string(version) + ", this build knows " +
                                  std::to_string(kSchemaVersion) + ")");
        }
        db->exec(kSchema);
        if (version == 1) {
            db->exec(
                "ALTER TABLE journal ADD COLUMN idempotency_key TEXT;"
                "ALTER TABLE journal ADD COLUMN fingerprint TEXT");
        }
        if (version == 1 || version == 2) {
            // Entries from before keep NULL here: their replay records what the entry says.
            db->exec(
                "ALTER TABLE journal ADD COLUMN audit_action TEXT;"
                "ALTER TABLE journal ADD COLUMN actor TEXT;"
                "ALTER TABLE journal ADD COLUMN client_address TEXT;"
                "ALTER TABLE journal ADD COLUMN request_id TEXT;"
                "ALTER TABLE journal ADD COLUMN api_name TEXT;"
                "ALTER TABLE journal ADD COLUMN changed_fields TEXT");
        }
        db->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
        return db;
    } catch (const SqliteError& error) {
        throw LocalStateError(error.what());
    }
}

}  // namespace

void LocalState::complete(Waiter waiter, bool ok) {
    auto executor = std::move(waiter.executor);
    asio::post(executor,
               [handler = std::move(waiter.handler), ok]() mutable { std::move(handler)(ok); });
}

LocalState::LocalState(const std::filesystem::path& directory)
    : directory_(directory), db_(open_database(directory / kFileName)) {}

LocalState::~LocalState() {
    stop();
}

Snapshot LocalState::read_snapshot() {
    Snapshot snapshot;
    domain::Millis written_at = 0;
    try {
        const auto database = state_value(*db_, "database");
        snapshot.present = database.has_value();
        snapshot.mark.database = database.value_or("");
        snapshot.mark.feed_position =
            static_cast<std::uint64_t>(as_integer(state_value(*db_, "feed_position")));
        snapshot.mark.synced_at = as_integer(state_value(*db_, "synced_at"));
        written_at = as_integer(state_value(*db_, "written_at"));
        auto rows = db_->prepare(
            "SELECT id, revision, created_at, updated_at, spec FROM snapshot_apis "
            "ORDER BY created_at, id");
        while (rows.step()) {
            if (auto api = api_from_row(rows)) {
                snapshot.apis.push_back(std::move(*api));
            } else {
                ++snapshot.unreadable;
            }
        }
    } catch (const SqliteError& error) {
        throw LocalStateError("reading the snapshot: " + std::string(error.what()));
    }
    if (snapshot.unreadable > 0) {
        spdlog::error("local state: {} API(s) of the snapshot in {} could not be read; skipped",
                      snapshot.unreadable, directory().string());
    }
    std::lock_guard lock(mutex_);
    mark_written_ = snapshot.mark;
    last_written_ = written_at;
    return snapshot;
}

void LocalState::reset_snapshot() {
    std::lock_guard lock(mutex_);
    // Snapshot changes queued before the reset are moot; journal changes are not.
    std::erase_if(pending_, [](const Change& change) {
        return change.kind == Change::Kind::stored || change.kind == Change::Kind::removed;
    });
    reset_pending_ = true;
    ++queued_;
    wake_.notify_one();
}

void LocalState::start(MarkSource mark) {
    mark_ = std::move(mark);
    writer_ = std::thread([this] { run(); });
}

void LocalState::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (writer_.joinable()) writer_.join();
}

std::uint64_t LocalState::queue(Change change) {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(change));
    if (pending_.size() == 1) wake_.notify_one();
    return ++queued_;
}

void LocalState::stored(const domain::ApiPtr& api) {
    queue(Change{Change::Kind::stored, api->id, api, nullptr, 0, {}});
}

void LocalState::removed(std::string_view id) {
    queue(Change{Change::Kind::removed, std::string(id), nullptr, nullptr, 0, {}});
}

std::uint64_t LocalState::append_journal(domain::JournalEntry entry) {
    auto shared = std::make_shared<const domain::JournalEntry>(std::move(entry));
    return queue(Change{Change::Kind::journal_append, {}, nullptr, std::move(shared), 0, {}});
}

std::uint64_t LocalState::journal_applied(std::int64_t seq) {
    return queue(Change{Change::Kind::journal_applied, {}, nullptr, nullptr, seq, {}});
}

std::uint64_t LocalState::journal_conflict(std::int64_t seq, std::string detail) {
    return queue(
        Change{Change::Kind::journal_conflict, {}, nullptr, nullptr, seq, std::move(detail)});
}

std::vector<domain::JournalEntry> LocalState::read_journal() {
    std::vector<domain::JournalEntry> entries;
    try {
        auto rows = db_->prepare(
            "SELECT seq, entry_id, op, api_id, base_revision, revision, created_at, updated_at, "
            "spec, accepted_at, conflict, idempotency_key, fingerprint, audit_action, actor, "
            "client_address, request_id, api_name, changed_fields FROM journal ORDER BY seq");
        while (rows.step()) {
            domain::JournalEntry entry;
            entry.seq = rows.integer(0);
            entry.entry_id = rows.text(1);
            const auto op = domain::journal_op_from(rows.text(2));
            entry.api_id = rows.text(3);
            entry.base_revision = rows.optional_integer(4);
            entry.accepted_at = rows.integer(9);
            entry.conflict = rows.is_null(10) ? std::string() : rows.text(10);
            if (!rows.is_null(11) && !rows.is_null(12)) {
                entry.idempotency = domain::JournalKey{rows.text(11), rows.text(12)};
            }
            if (!rows.is_null(8)) {
                domain::Api api;
                api.id = entry.api_id;
                api.revision = rows.integer(5);
                api.created_at = rows.integer(6);
                api.updated_at = rows.integer(7);
                if (auto spec = spec_from_text(rows.text(8))) {
                    api.spec = std::move(*spec);
                    entry.result = std::move(api);
                }
            }
            entry.audit = audit_from_row(rows, entry);
            const bool complete = op && (*op == domain::JournalOp::remove || entry.result);
            if (!complete) {
                // Never dropped silently: it stays in the file, reported as a conflict.
                spdlog::error(
                    "local state: journal entry {} in {} cannot be read; kept as a "
                    "conflict",
                    entry.seq, directory().string());
                entry.op = domain::JournalOp::remove;
                entry.result.reset();
                entry.conflict = "the journal entry could not be read back";
            } else {
                entry.op = *op;
            }
            entries.push_back(std::move(entry));
        }
    } catch (const SqliteError& error) {
        throw LocalStateError("reading the journal: " + std::string(error.what()));
    }
    return entries;
}

std::uint64_t LocalState::last_ticket() const {
    std::lock_guard lock(mutex_);
    return queued_;
}

std::uint64_t LocalState::unwritten() const {
    std::lock_guard lock(mutex_);
    return queued_ - written_;
}

domain::Millis LocalState::last_written() const {
    std::lock_guard lock(mutex_);
    return last_written_;
}

std::string LocalState::last_failure() const {
    std::lock_guard lock(mutex_);
    return last_failure_;
}

void LocalState::add_waiter(std::uint64_t ticket, Waiter waiter) {
    std::unique_lock lock(mutex_);
    if (ticket <= written_) {
        lock.unlock();
        complete(std::move(waiter), true);
        return;
    }
    waiters_.emplace(ticket, std::move(waiter));
}

void LocalState::complete_waiters(std::uint64_t upto, bool ok) {
    std::vector<Waiter> ready;
    {
        std::lock_guard lock(mutex_);
        const auto end = waiters_.upper_bound(upto);
        for (auto it = waiters_.begin(); it != end; ++it) ready.push_back(std::move(it->second));
        waiters_.erase(waiters_.begin(), end);
    }
    for (auto& waiter : ready) complete(std::move(waiter), ok);
}

void LocalState::run() {
    std::unique_lock lock(mutex_);
    bool last_failed = false;
    std::size_t written_since_release = 0;
    while (true) {
        const bool after_burst = written_since_release >= kLargeBatch;
        const auto pause = last_failed ? kRetryPause : after_burst ? kBurstSettle : kMarkInterval;
        wake_.wait_for(lock, pause, [this, last_failed] {
            return stopping_ || (!last_failed && (!pending_.empty() || reset_pending_));
        });
        const bool final_round = stopping_;
        if (after_burst && pending_.empty() && !final_round) {
            // Nothing came for a moment after a burst: the burst is over.
            lock.unlock();
            store::release_freed_memory();
            written_since_release = 0;
            lock.lock();
        }
        // The mark first, then the changes: everything the mark claims was applied to the
        // mirror before it was set, so its change is in this batch or an earlier one.
        lock.unlock();
        const SnapshotMark mark = mark_();
        lock.lock();
        std::vector<Change> batch;
        batch.swap(pending_);
        const bool reset = std::exchange(reset_pending_, false);
        const std::uint64_t upto = queued_;
        if (batch.empty() && !reset && mark_written_ == mark) {
            if (final_round) break;
            continue;
        }
        lock.unlock();
        std::string failure;
        try {
            write_batch(batch, reset, mark);
        } catch (const SqliteError& error) {
            failure = error.what();
            spdlog::error("local state: writing to {} failed: {}{}", directory().string(), failure,
                          final_round ? "" : "; retrying");
        }
        const std::size_t batch_size = batch.size();
        lock.lock();
        last_failed = !failure.empty();
        if (last_failed) {
            last_failure_ = failure;
            // Back in front of what arrived meanwhile, in order, for the next try.
            batch.insert(batch.end(), std::make_move_iterator(pending_.begin()),
                         std::make_move_iterator(pending_.end()));
            pending_.swap(batch);
            reset_pending_ = reset_pending_ || reset;
        } else {
            // Before the waiters are told: one that arrives from now on and is already
            // written completes at once rather than waiting for the next batch.
            written_ = upto;
            last_written_ = domain::now_millis();
            last_failure_.clear();
            mark_written_ = mark;
            written_since_release += batch_size;
        }
        lock.unlock();
        batch = {};
        complete_waiters(upto, !last_failed);
        lock.lock();
        // On the way out: one more round only for what arrived during this one.
        if (final_round && (last_failed || (pending_.empty() && !reset_pending_))) break;
    }
}

void LocalState::write_batch(const std::vector<Change>& changes, bool reset,
                             const SnapshotMark& mark) {
    SqliteTransaction transaction(*db_);
    if (reset) db_->exec("DELETE FROM snapshot_apis");
    auto upsert = db_->prepare(
        "INSERT INTO snapshot_apis (id, revision, created_at, updated_at, spec) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, "
        "created_at = excluded.created_at, updated_at = excluded.updated_at, spec = excluded.spec");
    auto erase = db_->prepare("DELETE FROM snapshot_apis WHERE id = ?1");
    std::optional<SqliteStatement> append, applied, conflict;
    for (const auto& change : changes) {
        switch (change.kind) {
            case Change::Kind::stored: {
                const auto& api = *change.api;
                upsert.bind(1, api.id)
                    .bind(2, api.revision)
                    .bind(3, api.created_at)
                    .bind(4, api.updated_at)
                    .bind(5, boost::json::serialize(domain::spec_to_json_object(api.spec)));
                upsert.run();
                break;
            }
            case Change::Kind::removed:
                erase.bind(1, change.id);
                erase.run();
                break;
            case Change::Kind::journal_append: {
                if (!append) {
                    append.emplace(db_->prepare(
                        "INSERT INTO journal (seq, entry_id, op, api_id, base_revision, "
                        "revision, created_at, updated_at, spec, accepted_at, idempotency_key, "
                        "fingerprint, audit_action, actor, client_address, request_id, api_name, "
                        "changed_fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                        "?12, ?13, ?14, ?15, ?16, ?17, ?18)"));
                }
                const auto& entry = *change.entry;
                append->bind(1, entry.seq)
                    .bind(2, entry.entry_id)
                    .bind(3, domain::journal_op_name(entry.op))
                    .bind(4, entry.api_id)
                    .bind(5, entry.base_revision)
                    .bind(10, entry.accepted_at);
                if (entry.idempotency) {
                    append->bind(11, entry.idempotency->key)
                        .bind(12, entry.idempotency->fingerprint);
                }
                if (entry.audit) {
                    const domain::AuditRecord& audit = *entry.audit;
                    append->bind(13, domain::audit_action_name(audit.action))
                        .bind(14, audit.origin.actor)
                        .bind(15, audit.origin.client_address)
                        .bind(16, audit.origin.request_id)
                        .bind(17, audit.api_name)
                        .bind(18, domain::join_field_names(audit.changed_fields));
                }
                if (entry.result) {
                    append->bind(6, entry.result->revision)
                        .bind(7, entry.result->created_at)
                        .bind(8, entry.result->updated_at)
                        .bind(9, boost::json::serialize(
                                     domain::spec_to_json_object(entry.result->spec)));
                }
                append->run();
                break;
            }
            case Change::Kind::journal_applied:
                if (!applied) applied.emplace(db_->prepare("DELETE FROM journal WHERE seq = ?1"));
                applied->bind(1, change.seq);
                applied->run();
                break;
            case Change::Kind::journal_conflict:
                if (!conflict) {
                    conflict.emplace(
                        db_->prepare("UPDATE journal SET conflict = ?2 WHERE seq = ?1"));
                }
                conflict->bind(1, change.seq).bind(2, change.detail);
                conflict->run();
                break;
        }
    }
    auto put = db_->prepare(
        "INSERT INTO state (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    put.bind(1, std::string_view("database")).bind(2, mark.database);
    put.run();
    put.bind(1, std::string_view("feed_position")).bind(2, std::to_string(mark.feed_position));
    put.run();
    put.bind(1, std::string_view("synced_at")).bind(2, std::to_string(mark.synced_at));
    put.run();
    put.bind(1, std::string_view("written_at")).bind(2, std::to_string(domain::now_millis()));
    put.run();
    transaction.commit();
}

}  // namespace gateway::local
