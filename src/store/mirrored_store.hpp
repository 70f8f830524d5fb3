// The repository the handlers use while a database is configured. Every read is answered
// from the mirror (MemoryStore), never from the database, so reads keep working when the
// primary fails. Writes go to the adopted primary (through PgStore) and are applied to
// the mirror before they are answered, so a client reads its own write here; other
// instances learn of them through the change feed.
//
// While no primary can take a write (none adopted yet, or the breaker open), and for as
// long as earlier such writes wait to be replayed, a write is decided against the mirror,
// put in the durable journal and acknowledged once it is on disk (FALLBACK_WRITES=journal);
// or refused at once with a Retry-After (FALLBACK_WRITES=reject, no journal).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "config/settings.hpp"
#include "db/circuit_breaker.hpp"
#include "db/database_manager.hpp"
#include "store/change_notifier.hpp"
#include "store/idempotency_table.hpp"
#include "store/memory_store.hpp"
#include "store/pg_store.hpp"
#include "store/repository.hpp"
#include "store/write_journal.hpp"

namespace gateway::store {

class MirroredStore final : public Repository {
  public:
    enum class Start { on_primary, on_fallback };
    // The primary the database manager has installed now (null on in-memory storage).
    using CurrentPrimary = std::function<std::shared_ptr<const db::Primary>()>;

    // Writes that no primary can take go to `journal` when `journal_writes`, else are
    // refused; entries already in the journal (from an earlier run) are replayed before
    // any new write goes to the primary either way.
    MirroredStore(MemoryStore& mirror, std::shared_ptr<db::CircuitBreaker> breaker,
                  CurrentPrimary current_primary, config::DatabaseSettings settings, Start start,
                  WriteJournal& journal, bool journal_writes);

    boost::asio::awaitable<StoreResult<domain::ApiPtr>> create(
        domain::ApiSpec spec, domain::ChangeOrigin origin) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> find(std::string ref) override;
    boost::asio::awaitable<StoreResult<ApiPage>> list(ListQuery query) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> replace(
        std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
        domain::ChangeOrigin origin) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> patch(std::string ref,
                                                              boost::json::object merge_patch,
                                                              domain::Precondition precondition,
                                                              domain::ChangeOrigin origin) override;
    boost::asio::awaitable<StoreResult<Done>> remove(std::string ref,
                                                     domain::Precondition precondition,
                                                     domain::ChangeOrigin origin) override;
    // With the primary: the key in PostgreSQL, in the change's transaction. A journaled
    // write's key is held by this process until its lifetime ends, and is asked first.
    boost::asio::awaitable<StoreResult<KeyedOutcome>> write_once(IdempotencyKey key,
                                                                 WriteRequest request) override;
    // The trail is the primary's: while it cannot be reached this is a 503 (the records
    // of journaled writes are written when they are replayed).
    boost::asio::awaitable<StoreResult<AuditPage>> audit(AuditQuery query) override;

    // --- the primary keeper's side

    // The mirror holds the primary's APIs: writes go to the primary from now on, to
    // whichever one the manager has installed (a SIGHUP may swap it).
    void adopt() { adopted_.store(true); }
    bool adopted() const { return adopted_.load(); }
    // Reads have something to be answered from: the adopted primary's mirror, or, after
    // a start without a primary, the snapshot (or nothing) the fallback began with.
    bool serves_reads() const { return adopted() || started_on_fallback_; }

    // Binds writes to the primary installed now. A primary other than the last one passed
    // its pre-flight check just now, so what the breaker knew of the old one is dropped.
    void notice_primary_swap() const { writer(); }

  private:
    struct Writer {
        std::shared_ptr<const db::Primary> primary;
        std::shared_ptr<PgStore> store;
        std::shared_ptr<ChangeNotifier> notifier;
    };
    // A change to make in the mirror for a journaled write: the record after it (or the
    // one removed), or why it cannot be made.
    using MirrorChange = std::function<StoreResult<domain::ApiPtr>()>;

    // Null until adopted.
    std::shared_ptr<const Writer> writer() const;
    // Why this write cannot go to the primary now (no primary, breaker open, journal
    // not yet replayed); nullopt when it can. `target` is writer()'s answer.
    std::optional<StoreError> primary_unavailable(const Writer* target) const;
    // The fallback: journaled (with `key`, when the write came with one, and the change's
    // audit record), or refused with `why`. `ref` names the API an update or remove is
    // for (empty for a create).
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> journaled(
        domain::AuditAction action, std::string_view ref, StoreError why, MirrorChange change,
        const IdempotencyKey* key, const domain::ChangeOrigin& origin);
    // The writes, with the key a journaled one keeps (null for none). remove_keyed answers
    // with the record removed (only its id when the primary removed it).
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> create_keyed(domain::ApiSpec spec,
                                                                     domain::ChangeOrigin origin,
                                                                     const IdempotencyKey* key);
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> replace_keyed(
        std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
        domain::ChangeOrigin origin, const IdempotencyKey* key);
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> patch_keyed(
        std::string ref, boost::json::object merge_patch, domain::Precondition precondition,
        domain::ChangeOrigin origin, const IdempotencyKey* key);
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> remove_keyed(
        std::string ref, domain::Precondition precondition, domain::ChangeOrigin origin,
        const IdempotencyKey* key);
    boost::asio::awaitable<StoreResult<RecordedOutcome>> perform_keyed(WriteRequest request,
                                                                       const IdempotencyKey& key);

    MemoryStore& mirror_;
    const std::shared_ptr<db::CircuitBreaker> breaker_;
    const CurrentPrimary current_primary_;
    const config::DatabaseSettings settings_;
    const bool started_on_fallback_;
    WriteJournal& journal_;
    const bool journal_writes_;
    IdempotencyTable local_keys_;  // of writes journaled here
    std::atomic<bool> adopted_{false};
    mutable std::mutex writer_mutex_;  // a plain mutex: see DatabaseManager::primary_mutex_
    mutable std::shared_ptr<const Writer> writer_;
};

}  // namespace gateway::store
