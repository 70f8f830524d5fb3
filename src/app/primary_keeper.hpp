// Owns the link between the primary database and the mirror while a database is
// configured: adopts the primary in use (loading the mirror from it first), keeps the
// mirror following its change feed, notices a SIGHUP that swapped the primary, and,
// after a start on the in-memory fallback because no source passed, keeps trying the
// configured sources with backoff and switches to the first that passes; writes the
// fallback journaled meanwhile are replayed into it (see JournalReplayer).
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "config/settings.hpp"
#include "db/circuit_breaker.hpp"
#include "db/database_manager.hpp"
#include "store/feed_listener.hpp"
#include "store/mirror_status.hpp"
#include "store/mirrored_store.hpp"

namespace gateway::app {

class PrimaryKeeper {
  public:
    PrimaryKeeper(db::DatabaseManager& database, store::MirroredStore& store,
                  store::MemoryStore& mirror, store::MirrorStatus& status,
                  db::CircuitBreaker& breaker, const config::Settings& settings);

    // Before serving: loads the mirror from the primary in use and adopts it, so that no
    // request sees an empty mirror. False when the load failed (run() retries it).
    boost::asio::awaitable<bool> adopt_initial();

    // After a start that loaded the local snapshot: when the primary it was taken of is
    // (or comes back) in use, the mirror catches up from the snapshot's place in the
    // change feed instead of loading everything.
    void resume_from_snapshot(store::MirrorStatus::FeedPlace place) {
        snapshot_place_ = std::move(place);
    }

    // The mirror loads everything from the primary at its next sync.
    void reload_mirror() { listener_.reload_everything(); }

    // Runs until stop(); every wait in it is bounded, so it ends soon after.
    boost::asio::awaitable<void> run();
    void stop() { stopping_.store(true); }

  private:
    boost::asio::awaitable<void> find_primary();
    bool snapshot_is_of(const db::Primary& primary) const;
    void adopt(const std::shared_ptr<const db::Primary>& primary);
    boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);

    db::DatabaseManager& database_;
    store::MirroredStore& store_;
    const config::MirrorSettings mirror_settings_;
    store::MirrorStatus& status_;
    store::FeedListener listener_;
    std::optional<store::MirrorStatus::FeedPlace> snapshot_place_;
    // Touched only by this keeper's coroutine.
    std::shared_ptr<const db::Primary> adopted_;
    // Backs off the return attempts after a start on the fallback.
    db::CircuitBreaker return_backoff_;
    std::atomic<bool> stopping_{false};
};

}  // namespace gateway::app
