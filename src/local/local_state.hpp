// The service's durable local state: one SQLite database in DATA_DIR (WAL mode, every
// commit synced) holding the snapshot of the mirror and where it stands in the primary's
// change feed. The mirror reports its changes here (a MirrorChangeSink); one writer
// thread persists them behind the requests, in batches: a batch is whatever arrived
// while the one before was being written. A caller that must not answer before its
// change is on disk waits for its ticket.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>

#include "domain/api.hpp"
#include "domain/journal_entry.hpp"
#include "local/data_directory.hpp"
#include "local/sqlite.hpp"
#include "store/mirror_change_sink.hpp"

namespace gateway::local {

// What a snapshot's contents are a copy of.
struct SnapshotMark {
    std::string database;             // the primary's description; empty in memory mode
    std::uint64_t feed_position = 0;  // 0: no position in that primary's feed
    domain::Millis synced_at = 0;     // when the mirror last held all the primary held
    bool operator==(const SnapshotMark&) const = default;
};

struct Snapshot {
    std::vector<domain::Api> apis;
    SnapshotMark mark;
    bool present = false;        // false: nothing was ever written here
    std::size_t unreadable = 0;  // rows that no longer parse (skipped, and logged)
};

class LocalState final : public store::MirrorChangeSink {
  public:
    using MarkSource = std::function<SnapshotMark()>;

    // Opens (creating) DATA_DIR and its database; throws LocalStateError.
    explicit LocalState(const std::filesystem::path& directory);
    ~LocalState();
    LocalState(const LocalState&) = delete;
    LocalState& operator=(const LocalState&) = delete;

    const std::filesystem::path& directory() const { return directory_.path(); }

    // What the last run left; call before start().
    Snapshot read_snapshot();

    // The next batch empties the snapshot first: its contents are about to be replaced
    // by a full load.
    void reset_snapshot();

    // Starts the writer thread; `mark` is read before each batch is taken, so the mark
    // written with a batch never claims more than the batch holds.
    void start(MarkSource mark);
    // Writes whatever is queued, then stops the writer. Idempotent.
    void stop();

    // --- MirrorChangeSink: called with the mirror's write lock held
    void stored(const domain::ApiPtr& api) override;
    void removed(std::string_view id) override;

    // --- the journal of writes accepted while the primary was unreachable (see
    // local/journal.hpp), kept in the same database and written by the same thread, so
    // an entry and the snapshot changes around it reach the disk in the order they were
    // made.

    // Pending entries and conflicts, in the order they were accepted; before start().
    std::vector<domain::JournalEntry> read_journal();
    // Each returns the change's ticket.
    std::uint64_t append_journal(domain::JournalEntry entry);
    std::uint64_t journal_applied(std::int64_t seq);
    std::uint64_t journal_conflict(std::int64_t seq, std::string detail);

    // The ticket of the last change queued so far.
    std::uint64_t last_ticket() const;

    // Completes with true once every change up to `ticket` is on disk, false when writing
    // failed (the writer keeps retrying; the caller cannot know when it will succeed).
    template <class Token>
    auto async_wait_written(std::uint64_t ticket, Token&& token) {
        return boost::asio::async_initiate<Token, void(bool)>(
            [this, ticket](auto handler) {
                // Completed where the caller runs (a coroutine's event loop).
                boost::asio::any_io_executor executor =
                    boost::asio::get_associated_executor(handler);
                add_waiter(ticket, Waiter{std::move(executor), std::move(handler)});
            },
            token);
    }

    // Changes queued and not yet on disk (the write-behind backlog).
    std::uint64_t unwritten() const;

    // When the snapshot was last written, and the last write failure (empty if none).
    domain::Millis last_written() const;
    std::string last_failure() const;

  private:
    struct Change {
        enum class Kind { stored, removed, journal_append, journal_applied, journal_conflict };
        Kind kind;
        std::string id;                                     // stored, removed
        domain::ApiPtr api;                                 // stored
        std::shared_ptr<const domain::JournalEntry> entry;  // journal_append
        std::int64_t seq = 0;                               // journal_applied, _conflict
        std::string detail;                                 // journal_conflict
    };
    struct Waiter {
        boost::asio::any_io_executor executor;
        boost::asio::any_completion_handler<void(bool)> handler;
    };

    std::uint64_t queue(Change change);
    void add_waiter(std::uint64_t ticket, Waiter waiter);
    static void complete(Waiter waiter, bool ok);
    void run();
    void write_batch(const std::vector<Change>& changes, bool reset, const SnapshotMark& mark);
    void complete_waiters(std::uint64_t upto, bool ok);

    DataDirectory directory_;
    std::unique_ptr<SqliteDb> db_;  // used by the constructor, then only by the writer
    MarkSource mark_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Change> pending_;
    bool reset_pending_ = false;
    bool stopping_ = false;
    std::uint64_t queued_ = 0;   // tickets handed out
    std::uint64_t written_ = 0;  // tickets on disk
    std::multimap<std::uint64_t, Waiter> waiters_;
    domain::Millis last_written_ = 0;
    std::string last_failure_;
    std::optional<SnapshotMark> mark_written_;
    std::thread writer_;
};

}  // namespace gateway::local
