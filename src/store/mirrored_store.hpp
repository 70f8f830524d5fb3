// The repository the handlers use while a database is configured. Every read is answered
// from the mirror (MemoryStore), never from the database, so reads keep working when the
// primary fails. Writes go to the adopted primary (through PgStore) and are applied to
// the mirror before they are answered, so a client reads its own write here; other
// instances learn of them through the change feed. With the breaker open, writes are
// refused at once with a Retry-After.
//
// Before any primary is adopted (none reachable at start), the memory store is the
// storage of record, as the contract's fallback says. Once the fallback has taken a
// write, an automatic switch to a returning primary would drop that write, so the switch
// only happens while the fallback is untouched.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "config/settings.hpp"
#include "db/circuit_breaker.hpp"
#include "db/database_manager.hpp"
#include "store/change_notifier.hpp"
#include "store/memory_store.hpp"
#include "store/pg_store.hpp"
#include "store/repository.hpp"

namespace gateway::store {

class MirroredStore final : public Repository {
  public:
    enum class Start { on_primary, on_fallback };
    // The primary the database manager has installed now (null on in-memory storage).
    using CurrentPrimary = std::function<std::shared_ptr<const db::Primary>()>;

    MirroredStore(MemoryStore& mirror, std::shared_ptr<db::CircuitBreaker> breaker,
                  CurrentPrimary current_primary, config::DatabaseSettings settings, Start start);

    boost::asio::awaitable<StoreResult<domain::ApiPtr>> create(domain::ApiSpec spec) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> find(std::string ref) override;
    boost::asio::awaitable<StoreResult<ApiPage>> list(ListQuery query) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> replace(
        std::string ref, domain::ApiSpec spec, domain::Precondition precondition) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> patch(
        std::string ref, boost::json::object merge_patch,
        domain::Precondition precondition) override;
    boost::asio::awaitable<StoreResult<Done>> remove(std::string ref,
                                                     domain::Precondition precondition) override;

    // --- the primary keeper's side

    // The mirror holds the primary's APIs: writes go to the primary from now on, to
    // whichever one the manager has installed (a SIGHUP may swap it).
    void adopt() { adopted_.store(true); }
    bool adopted() const { return adopted_.load(); }
    // Reads have something to be answered from: the adopted primary's mirror, or the
    // fallback while it is the storage of record.
    bool serves_reads() const { return adopted() || fallback_.load() != closed; }
    // Ends the fallback's role as storage of record, so that a primary can be adopted;
    // false (and nothing changes) when the fallback has taken a write. Until adopt(),
    // writes are answered 503 with a short Retry-After.
    bool close_fallback();
    // The operator asked for the switch (SIGHUP): closes the fallback even if written.
    void force_close_fallback() { fallback_.store(closed); }
    bool fallback_took_writes() const;

    // Binds writes to the primary installed now. A primary other than the last one passed
    // its pre-flight check just now, so what the breaker knew of the old one is dropped.
    void notice_primary_swap() const { writer(); }

  private:
    struct Writer {
        std::shared_ptr<const db::Primary> primary;
        std::shared_ptr<PgStore> store;
        std::shared_ptr<ChangeNotifier> notifier;
    };
    enum FallbackState : int { open_untouched, open_written, closed };

    // Null until adopted.
    std::shared_ptr<const Writer> writer() const;
    // Where a write goes when no primary is adopted: the fallback (true) or nowhere yet.
    bool enter_fallback_write();
    // A write refused before it reached any storage; nullopt when it may proceed.
    std::optional<StoreError> refusal() const;

    MemoryStore& mirror_;
    const std::shared_ptr<db::CircuitBreaker> breaker_;
    const CurrentPrimary current_primary_;
    const config::DatabaseSettings settings_;
    std::atomic<bool> adopted_{false};
    std::atomic<int> fallback_;
    mutable std::mutex writer_mutex_;  // a plain mutex: see DatabaseManager::primary_mutex_
    mutable std::shared_ptr<const Writer> writer_;
};

}  // namespace gateway::store
