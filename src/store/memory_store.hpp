// The APIs held in process memory. One structure with two roles:
// - the storage of record when no database is configured (or none was reachable at
//   start): the Repository operations below decide uniqueness and revisions themselves;
// - the warm mirror of the primary: the apply_* operations put what PostgreSQL holds
//   into it (its own committed writes, and every change the change feed reports), and
//   every read is answered from it.
// Each record keeps its JSON serialised once, so that reads and pages copy bytes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/audit_trail.hpp"
#include "store/idempotency_table.hpp"
#include "store/mirror_change_sink.hpp"
#include "store/ordered_blocks.hpp"
#include "store/repository.hpp"
#include "store/sharded_index.hpp"

namespace gateway::store {

// How often each operation ran, and how much is stored.
struct MemoryStoreStats {
    std::uint64_t creates = 0;
    std::uint64_t finds = 0;
    std::uint64_t lists = 0;
    std::uint64_t replaces = 0;
    std::uint64_t patches = 0;
    std::uint64_t removes = 0;
    std::size_t apis = 0;
};

// One reader/writer lock guards all indexes, so every write checks uniqueness, checks
// its precondition and publishes its change as one step. Readers only copy shared
// pointers under the lock; serialising happens outside it.
class MemoryStore final : public Repository {
  public:
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
    // Keys live in this process only, as the APIs do.
    boost::asio::awaitable<StoreResult<KeyedOutcome>> write_once(IdempotencyKey key,
                                                                 WriteRequest request) override;
    // The trail kept by keep_audit_trail(); an empty page without one.
    boost::asio::awaitable<StoreResult<AuditPage>> audit(AuditQuery query) override;

    // Keeps the audit trail of this store's own writes in memory, within `limits` (memory
    // mode). The mirror of a primary keeps none: PostgreSQL holds the trail. Called
    // before the store is shared between threads.
    void keep_audit_trail(AuditLimits limits) { trail_.emplace(limits); }

    // The same operations without a coroutine frame, for callers that are not on an
    // executor (tests, a future warm mirror loading at start).
    StoreResult<domain::ApiPtr> create_now(domain::ApiSpec spec,
                                           const domain::ChangeOrigin& origin);
    StoreResult<domain::ApiPtr> find_now(std::string_view ref) const;
    StoreResult<ApiPage> list_now(const ListQuery& query) const;
    StoreResult<domain::ApiPtr> replace_now(std::string_view ref, domain::ApiSpec spec,
                                            const domain::Precondition& precondition,
                                            const domain::ChangeOrigin& origin);
    StoreResult<domain::ApiPtr> patch_now(std::string_view ref,
                                          const boost::json::object& merge_patch,
                                          const domain::Precondition& precondition,
                                          const domain::ChangeOrigin& origin);
    StoreResult<Done> remove_now(std::string_view ref, const domain::Precondition& precondition,
                                 const domain::ChangeOrigin& origin);
    // remove_now(), answering with the record removed.
    StoreResult<domain::ApiPtr> remove_returning_now(std::string_view ref,
                                                     const domain::Precondition& precondition,
                                                     const domain::ChangeOrigin& origin);
    StoreResult<AuditPage> audit_now(const AuditQuery& query) const;

    MemoryStoreStats stats() const;
    void clear();

    // Every later change to the contents is reported to `sink` (null: none), in order.
    // Set before the store is shared between threads; the sink must outlive the store's
    // use.
    void set_change_sink(MirrorChangeSink* sink) { sink_ = sink; }

    // --- the mirror's side: what the primary holds, applied with its own ids,
    // revisions and timestamps. A record is never replaced by an older revision, and an
    // id once removed never comes back (ids are not reused), whatever order changes
    // arrive in. A record that holds a name or base path the newer record now has is
    // stale: it is dropped until its own change arrives.

    // Applies the API as the primary committed it; false when the mirror already held
    // that revision or a newer one (or the id was removed).
    bool apply_current(domain::Api api);
    // The API was deleted on the primary; false when the mirror did not hold it.
    bool apply_removed(std::string_view id);
    // True when applying `revision` of `id` would change nothing.
    bool holds(std::string_view id, std::int64_t revision) const;
    // Counts every change made to the mirror; a full load passes the count it read
    // before its snapshot, so that changes applied meanwhile survive it.
    std::uint64_t generation() const;
    // Replaces the contents with a full load of the primary: records it lacks, or holds
    // at another revision, give way unless they were applied after `since_generation`
    // (newer than the load).
    void load(std::vector<domain::ApiPtr> apis, std::uint64_t since_generation);
    std::size_t size() const;

  private:
    // A stored API with the key its name is unique under; immutable once stored, so the
    // indexes can key on views of its strings.
    struct Stored {
        domain::Api api;
        std::string name_key;
        std::uint64_t generation = 0;  // generation_ when it was stored
    };
    using StoredPtr = std::shared_ptr<const Stored>;
    using OrderKey = std::pair<domain::Millis, std::string_view>;  // (created_at, id)
    struct OrderOf {
        OrderKey operator()(const StoredPtr& stored) const {
            return {stored->api.created_at, stored->api.id};
        }
    };

    // Serialises the record's JSON; the generation is set when it is published.
    static std::shared_ptr<Stored> make_stored(domain::Api api);
    static domain::ApiPtr public_view(const StoredPtr& stored);

    StoredPtr lookup_locked(std::string_view ref) const;
    StoredPtr owner_locked(const Stored* stored) const;
    // The API other than `self_id` that already holds the name or base_path.
    std::optional<StoreError> collision_locked(const Stored& candidate,
                                               std::string_view self_id) const;
    StoreResult<domain::ApiPtr> update_locked(const StoredPtr& current, domain::ApiSpec spec,
                                              domain::AuditAction action,
                                              const domain::ChangeOrigin& origin);
    // Records a change in the trail, when one is kept.
    void audit_locked(domain::AuditAction action, const domain::Api* before,
                      const domain::Api* after, domain::Millis at,
                      const domain::ChangeOrigin& origin);
    void index_locked(const StoredPtr& stored);
    void unindex_locked(const Stored& stored);
    // The mirror's apply, for one record already serialised.
    bool apply_locked(const std::shared_ptr<Stored>& incoming);
    bool removed_locked(std::string_view id) const;
    void remember_removed_locked(std::string_view id);

    IdempotencyTable keys_;
    mutable std::shared_mutex mutex_;
    // by_order_ and by_id_ own the records (reads hand out shares of them); the unique
    // keys point at records by_id_ holds, an 8-byte slot instead of a 16-byte share.
    OrderedBlocks<StoredPtr, OrderOf> by_order_;
    ShardedIndex<StoredPtr> by_id_;
    ShardedIndex<const Stored*> by_name_;  // Stored::name_key
    ShardedIndex<const Stored*> by_base_path_;
    domain::Millis last_created_at_ = 0;  // keeps creation order monotonic if the clock steps back
    std::uint64_t generation_ = 0;
    // Ids the mirror saw deleted, with when: a change read before the delete must not
    // bring the API back. Kept a while, then forgotten (see memory_store_mirror.cpp).
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> removed_;
    std::size_t removed_sweep_at_ = 4096;
    MirrorChangeSink* sink_ = nullptr;
    std::optional<AuditTrail> trail_;  // guarded by mutex_

    mutable std::atomic<std::uint64_t> creates_{0}, finds_{0}, lists_{0}, replaces_{0}, patches_{0},
        removes_{0};
};

}  // namespace gateway::store
