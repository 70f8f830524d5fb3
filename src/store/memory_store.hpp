// The repository held in process memory: the fallback when no database can be reached,
// and the storage of record when none is configured.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <utility>

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

    // The same operations without a coroutine frame, for callers that are not on an
    // executor (tests, a future warm mirror loading at start).
    StoreResult<domain::ApiPtr> create_now(domain::ApiSpec spec);
    StoreResult<domain::ApiPtr> find_now(std::string_view ref) const;
    StoreResult<ApiPage> list_now(const ListQuery& query) const;
    StoreResult<domain::ApiPtr> replace_now(std::string_view ref, domain::ApiSpec spec,
                                            const domain::Precondition& precondition);
    StoreResult<domain::ApiPtr> patch_now(std::string_view ref,
                                          const boost::json::object& merge_patch,
                                          const domain::Precondition& precondition);
    StoreResult<Done> remove_now(std::string_view ref, const domain::Precondition& precondition);

    MemoryStoreStats stats() const;
    void clear();

  private:
    // A stored API with the key its name is unique under; immutable once stored, so the
    // indexes can key on views of its strings.
    struct Stored {
        domain::Api api;
        std::string name_key;
    };
    using StoredPtr = std::shared_ptr<const Stored>;
    using OrderKey = std::pair<domain::Millis, std::string_view>;  // (created_at, id)

    // Mutable until published: create sets the timestamps under the lock.
    static std::shared_ptr<Stored> make_stored(domain::Api api);
    static domain::ApiPtr public_view(const StoredPtr& stored);

    StoredPtr lookup_locked(std::string_view ref) const;
    // The API other than `self_id` that already holds the name or base_path.
    std::optional<StoreError> collision_locked(const Stored& candidate,
                                               std::string_view self_id) const;
    StoreResult<domain::ApiPtr> update_locked(const StoredPtr& current, domain::ApiSpec spec);
    void index_locked(const StoredPtr& stored);
    void unindex_locked(const Stored& stored);

    mutable std::shared_mutex mutex_;
    std::map<OrderKey, StoredPtr> by_order_;
    ShardedIndex<StoredPtr> by_id_;
    ShardedIndex<StoredPtr> by_name_;  // Stored::name_key
    ShardedIndex<StoredPtr> by_base_path_;
    domain::Millis last_created_at_ = 0;  // keeps creation order monotonic if the clock steps back

    mutable std::atomic<std::uint64_t> creates_{0}, finds_{0}, lists_{0}, replaces_{0}, patches_{0},
        removes_{0};
};

}  // namespace gateway::store
