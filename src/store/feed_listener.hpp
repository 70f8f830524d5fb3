// Keeps the mirror current with one primary: a dedicated session (outside the request
// pool) LISTENs for the hint other instances send after their commits, and the mirror
// reads the change feed from its last position whenever woken, and at least every poll
// interval in case a notification was lost. Losing the session marks the mirror stale;
// reconnecting catches it up (or loads everything when the feed was pruned past it).
// Its reconnects are the circuit breaker's probes.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "db/circuit_breaker.hpp"
#include "db/connection_pool.hpp"
#include "store/change_feed.hpp"
#include "store/memory_store.hpp"
#include "store/mirror_status.hpp"

namespace gateway::store {

class FeedListener {
  public:
    struct Options {
        std::chrono::milliseconds poll_interval{1000};
        std::chrono::seconds retention{3600};
        std::chrono::milliseconds prune_interval{std::chrono::minutes(1)};
        // Audit records older than this are purged at the same interval (migration 0005).
        std::chrono::seconds audit_retention{std::chrono::days(90)};
        std::chrono::milliseconds connect_timeout{5000};
        // Bounds a full load; reading the feed gets a shorter bound (a frozen database
        // is noticed sooner).
        std::chrono::milliseconds statement_timeout{5000};
    };

    FeedListener(MemoryStore& mirror, MirrorStatus& status, db::CircuitBreaker& breaker,
                 Options options);

    // Follows the database of `pool` until keep_going() is false (checked between steps;
    // each step is bounded). The first sync loads everything; `on_loaded` runs after
    // every full load and every catch-up after a gap, on this coroutine's executor.
    // With `resume`, continues from the position of the last load or sync (the same
    // database); otherwise starts by loading everything.
    boost::asio::awaitable<void> follow(std::shared_ptr<db::ConnectionPool> pool,
                                        std::function<bool()> keep_going,
                                        std::function<void()> on_loaded, bool resume);

    // The next follow() with `resume` continues from `position` (of a snapshot taken of
    // the same database) instead of loading everything.
    void resume_from(FeedPosition position) { position_ = position; }

    // The next sync loads everything: what the mirror holds was shown to differ from the
    // primary (a journal entry that conflicted). May be called from any thread.
    void reload_everything() { reload_requested_.store(true); }

    // Loads everything once over a session of its own, for a start that must not serve
    // before the mirror holds the primary's APIs.
    boost::asio::awaitable<std::optional<db::DbError>> load_once(
        std::shared_ptr<db::ConnectionPool> pool);

    // As load_once, but continues from the position given to resume_from() (a snapshot
    // of the same database): only what changed since is read, unless the feed was pruned
    // past it, in which case everything is loaded.
    boost::asio::awaitable<std::optional<db::DbError>> catch_up_once(
        std::shared_ptr<db::ConnectionPool> pool);

  private:
    // Brings the mirror up to date over `connection`; the failure, if any.
    boost::asio::awaitable<std::optional<db::DbError>> sync(db::PgConnection& connection,
                                                            const std::function<void()>& on_loaded);
    boost::asio::awaitable<std::optional<db::DbError>> load_everything(
        db::PgConnection& connection, const std::function<void()>& on_loaded);
    boost::asio::awaitable<std::optional<db::DbError>> apply(db::PgConnection& connection,
                                                             const FeedBatch& batch);
    boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);
    // Deletes audit records past their retention; the failure, if it broke the session.
    boost::asio::awaitable<std::optional<db::DbError>> purge_old_audit_records(
        db::PgConnection& session);
    void lost(const db::DbError& error, bool count_failure);

    MemoryStore& mirror_;
    MirrorStatus& status_;
    db::CircuitBreaker& breaker_;
    const Options options_;
    std::optional<FeedPosition> position_;  // none: the next sync loads everything
    std::atomic<bool> reload_requested_{false};
    std::minstd_rand random_;
};

}  // namespace gateway::store
