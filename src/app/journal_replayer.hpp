// Replays the write journal into the primary once one is adopted and reachable: entry by
// entry, in the order they were accepted, each applied exactly once (see
// store/journal_replay.hpp). An entry that conflicts with what another writer did
// meanwhile is kept and reported, and the mirror reloads from the primary so that it
// holds what PostgreSQL holds.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "db/circuit_breaker.hpp"
#include "db/database_manager.hpp"
#include "local/journal.hpp"
#include "store/mirrored_store.hpp"

namespace gateway::app {

class JournalReplayer {
  public:
    JournalReplayer(local::Journal& journal, store::MirroredStore& store,
                    db::DatabaseManager& database, db::CircuitBreaker& breaker,
                    std::chrono::milliseconds statement_timeout,
                    std::function<void()> reload_mirror);

    // Runs until stop(); every wait in it is bounded.
    boost::asio::awaitable<void> run();
    void stop() { stopping_.store(true); }

  private:
    // Replays what is pending over one connection; false when it had to stop early.
    boost::asio::awaitable<void> replay_pending(const std::shared_ptr<const db::Primary>& primary);
    boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);

    local::Journal& journal_;
    store::MirroredStore& store_;
    db::DatabaseManager& database_;
    db::CircuitBreaker& breaker_;
    const std::chrono::milliseconds statement_timeout_;
    const std::function<void()> reload_mirror_;
    std::atomic<bool> stopping_{false};
};

}  // namespace gateway::app
