// The mirror's side of MemoryStore: putting in what the primary committed.
#include <algorithm>
#include <mutex>
#include <unordered_set>

#include "store/memory_store.hpp"

namespace gateway::store {

namespace {

using Clock = std::chrono::steady_clock;

// How long a deleted id is remembered. A change can only be stale by as long as the
// read that fetched it took (bounded by the statement timeout), so minutes are plenty.
constexpr auto kRemovedMemory = std::chrono::minutes(10);
// Forgetting old ids walks the whole table: only when it has grown this much.
constexpr std::size_t kRemovedSweepAt = 4096;

bool same_record(const domain::Api& held, const domain::Api& loaded) {
    return held.revision == loaded.revision && held.updated_at == loaded.updated_at &&
           held.created_at == loaded.created_at && held.spec == loaded.spec;
}

}  // namespace

bool MemoryStore::apply_current(domain::Api api) {
    // Serialised before the lock: the lock is held only to compare and publish.
    auto incoming = make_stored(std::move(api));
    std::unique_lock lock(mutex_);
    return apply_locked(incoming);
}

bool MemoryStore::apply_locked(const std::shared_ptr<Stored>& incoming) {
    const domain::Api& api = incoming->api;
    if (removed_locked(api.id)) return false;
    const auto* existing = by_id_.find(api.id);
    StoredPtr current = existing != nullptr ? *existing : nullptr;
    if (current && current->api.revision >= api.revision) return false;

    if (current) unindex_locked(*current);
    // Whoever else holds this name or base path in the mirror is older than this record
    // on the primary (which enforces both as unique): drop it until its own change comes.
    if (const auto* holder = by_name_.find(incoming->name_key)) unindex_locked(**holder);
    if (const auto* holder = by_base_path_.find(api.spec.base_path)) unindex_locked(**holder);
    incoming->generation = ++generation_;
    index_locked(incoming);
    return true;
}

bool MemoryStore::apply_removed(std::string_view id) {
    std::unique_lock lock(mutex_);
    remember_removed_locked(id);
    const auto* existing = by_id_.find(id);
    if (existing == nullptr) return false;
    const StoredPtr current = *existing;
    unindex_locked(*current);
    ++generation_;
    return true;
}

bool MemoryStore::holds(std::string_view id, std::int64_t revision) const {
    std::shared_lock lock(mutex_);
    if (removed_locked(id)) return true;
    const auto* existing = by_id_.find(id);
    return existing != nullptr && (*existing)->api.revision >= revision;
}

std::uint64_t MemoryStore::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

std::size_t MemoryStore::size() const {
    std::shared_lock lock(mutex_);
    return by_order_.size();
}

void MemoryStore::load(std::vector<domain::ApiPtr> apis, std::uint64_t since_generation) {
    std::vector<std::shared_ptr<Stored>> incoming;
    incoming.reserve(apis.size());
    std::unordered_set<std::string_view> loaded_ids;
    loaded_ids.reserve(apis.size());
    for (const auto& api : apis) {
        incoming.push_back(make_stored(*api));
        loaded_ids.insert(incoming.back()->api.id);
    }
    apis.clear();

    std::unique_lock lock(mutex_);
    // What the primary no longer holds goes, unless it was applied after the load's
    // snapshot was taken (a write of this instance that committed meanwhile).
    std::vector<StoredPtr> gone;
    for (const auto& stored : by_order_) {
        if (stored->generation <= since_generation && !loaded_ids.contains(stored->api.id)) {
            gone.push_back(stored);
        }
    }
    for (const auto& stored : gone) unindex_locked(*stored);
    for (const auto& stored : incoming) {
        // The load is what the primary holds: a record that was here before it began and
        // differs (a journaled change the primary refused, a snapshot of other history)
        // gives way, whatever its revision.
        const auto* existing = by_id_.find(stored->api.id);
        if (existing != nullptr && (*existing)->generation <= since_generation &&
            !same_record((*existing)->api, stored->api)) {
            unindex_locked(**existing);
        }
        apply_locked(stored);
    }
    ++generation_;
}

bool MemoryStore::removed_locked(std::string_view id) const {
    return !removed_.empty() && removed_.find(std::string(id)) != removed_.end();
}

void MemoryStore::remember_removed_locked(std::string_view id) {
    const auto now = Clock::now();
    if (removed_.size() >= removed_sweep_at_) {
        std::erase_if(removed_,
                      [&](const auto& entry) { return now - entry.second > kRemovedMemory; });
        // Many recent deletes: sweep again only after as many more (amortised O(1)).
        removed_sweep_at_ = std::max(kRemovedSweepAt, 2 * removed_.size());
    }
    removed_.insert_or_assign(std::string(id), now);
}

}  // namespace gateway::store
