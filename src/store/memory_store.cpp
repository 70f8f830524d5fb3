#include "store/memory_store.hpp"

#include <algorithm>
#include <mutex>

#include "domain/api_json.hpp"
#include "domain/ids.hpp"
#include "domain/merge_patch.hpp"
#include "domain/timestamps.hpp"
#include "domain/validation.hpp"

namespace gateway::store {

namespace {

using domain::Api;
using domain::ApiPtr;
using domain::ApiSpec;

bool carries_all_tags(const Api& api, const std::vector<std::string>& wanted) {
    const auto& tags = api.spec.tags;
    return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& tag) {
        return std::find(tags.begin(), tags.end(), tag) != tags.end();
    });
}

bool matches(const Api& api, const ListQuery& query) {
    if (query.enabled && api.spec.enabled != *query.enabled) return false;
    return carries_all_tags(api, query.tags);
}

std::string lower_id(std::string_view ref) {
    std::string id(ref);
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id;
}

}  // namespace

// --- coroutine faces: the memory store never waits, so each is its synchronous twin.

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::create(ApiSpec spec) {
    co_return create_now(std::move(spec));
}

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::find(std::string ref) {
    co_return find_now(ref);
}

boost::asio::awaitable<StoreResult<ApiPage>> MemoryStore::list(ListQuery query) {
    co_return list_now(query);
}

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::replace(
    std::string ref, ApiSpec spec, domain::Precondition precondition) {
    co_return replace_now(ref, std::move(spec), precondition);
}

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::patch(std::string ref,
                                                               boost::json::object merge_patch,
                                                               domain::Precondition precondition) {
    co_return patch_now(ref, merge_patch, precondition);
}

boost::asio::awaitable<StoreResult<Done>> MemoryStore::remove(std::string ref,
                                                              domain::Precondition precondition) {
    co_return remove_now(ref, precondition);
}

// --- operations

StoreResult<ApiPtr> MemoryStore::create_now(ApiSpec spec) {
    creates_.fetch_add(1, std::memory_order_relaxed);
    auto api = std::make_shared<Api>();
    api->id = domain::new_api_id();
    api->spec = std::move(spec);
    api->revision = 1;

    std::unique_lock lock(mutex_);
    if (auto taken = collision_locked(api->spec, {})) return domain::unexpected(std::move(*taken));
    last_created_at_ = std::max(last_created_at_, domain::now_millis());
    api->created_at = api->updated_at = last_created_at_;
    ApiPtr published = std::move(api);
    index_locked(published);
    return published;
}

StoreResult<ApiPtr> MemoryStore::find_now(std::string_view ref) const {
    finds_.fetch_add(1, std::memory_order_relaxed);
    std::shared_lock lock(mutex_);
    if (auto api = lookup_locked(ref)) return api;
    return store_error(StoreErrc::not_found, not_found_detail(ref));
}

StoreResult<ApiPage> MemoryStore::list_now(const ListQuery& query) const {
    lists_.fetch_add(1, std::memory_order_relaxed);
    ApiPage page;
    page.items.reserve(std::min<std::size_t>(query.limit, 1000));

    std::shared_lock lock(mutex_);
    auto it = query.after ? by_order_.upper_bound({query.after->created_at, query.after->id})
                          : by_order_.begin();
    for (; it != by_order_.end(); ++it) {
        if (!matches(*it->second, query)) continue;
        if (page.items.size() == query.limit) {
            // Another match exists past this page: only then is there a next page.
            const Api& last = *page.items.back();
            page.next = domain::Cursor{last.created_at, last.id};
            break;
        }
        page.items.push_back(it->second);
    }
    return page;
}

StoreResult<ApiPtr> MemoryStore::replace_now(std::string_view ref, ApiSpec spec,
                                             const domain::Precondition& precondition) {
    replaces_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock lock(mutex_);
    ApiPtr current = lookup_locked(ref);
    if (!current) return store_error(StoreErrc::not_found, not_found_detail(ref));
    if (!precondition.admits(current->revision)) {
        return store_error(StoreErrc::precondition_failed,
                           precondition_failed_detail(current->revision));
    }
    return update_locked(current, std::move(spec));
}

StoreResult<ApiPtr> MemoryStore::patch_now(std::string_view ref,
                                           const boost::json::object& merge_patch,
                                           const domain::Precondition& precondition) {
    patches_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock lock(mutex_);
    ApiPtr current = lookup_locked(ref);
    if (!current) return store_error(StoreErrc::not_found, not_found_detail(ref));
    if (!precondition.admits(current->revision)) {
        return store_error(StoreErrc::precondition_failed,
                           precondition_failed_detail(current->revision));
    }
    boost::json::value document = domain::spec_to_json_object(current->spec);
    domain::apply_merge_patch(document, merge_patch);
    auto spec = domain::spec_from_json(document.as_object());
    if (!spec) {
        return domain::unexpected(
            StoreError{StoreErrc::invalid, "Validation failed", std::move(spec).error()});
    }
    return update_locked(current, std::move(spec).value());
}

StoreResult<Done> MemoryStore::remove_now(std::string_view ref,
                                          const domain::Precondition& precondition) {
    removes_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock lock(mutex_);
    ApiPtr current = lookup_locked(ref);
    if (!current) return store_error(StoreErrc::not_found, not_found_detail(ref));
    if (!precondition.admits(current->revision)) {
        return store_error(StoreErrc::precondition_failed,
                           precondition_failed_detail(current->revision));
    }
    unindex_locked(*current);
    return Done{};
}

MemoryStoreStats MemoryStore::stats() const {
    MemoryStoreStats stats;
    stats.creates = creates_.load(std::memory_order_relaxed);
    stats.finds = finds_.load(std::memory_order_relaxed);
    stats.lists = lists_.load(std::memory_order_relaxed);
    stats.replaces = replaces_.load(std::memory_order_relaxed);
    stats.patches = patches_.load(std::memory_order_relaxed);
    stats.removes = removes_.load(std::memory_order_relaxed);
    std::shared_lock lock(mutex_);
    stats.apis = by_id_.size();
    return stats;
}

void MemoryStore::clear() {
    std::unique_lock lock(mutex_);
    by_order_.clear();
    by_id_.clear();
    by_name_.clear();
    by_base_path_.clear();
}

// --- helpers; the caller holds mutex_

ApiPtr MemoryStore::lookup_locked(std::string_view ref) const {
    if (domain::looks_like_uuid(ref)) {
        if (auto it = by_id_.find(lower_id(ref)); it != by_id_.end()) return it->second;
    }
    if (auto it = by_name_.find(domain::name_key(ref)); it != by_name_.end()) return it->second;
    return nullptr;
}

std::optional<StoreError> MemoryStore::collision_locked(const ApiSpec& spec,
                                                        std::string_view self_id) const {
    if (auto it = by_name_.find(domain::name_key(spec.name));
        it != by_name_.end() && it->second->id != self_id) {
        return StoreError{StoreErrc::conflict, name_taken_detail(spec.name), {}};
    }
    if (auto it = by_base_path_.find(spec.base_path);
        it != by_base_path_.end() && it->second->id != self_id) {
        return StoreError{StoreErrc::conflict, base_path_taken_detail(spec.base_path), {}};
    }
    return std::nullopt;
}

StoreResult<ApiPtr> MemoryStore::update_locked(const ApiPtr& current, ApiSpec spec) {
    // Writing what is already there is no change: the revision and ETag stay.
    if (spec == current->spec) return current;
    if (auto taken = collision_locked(spec, current->id)) {
        return domain::unexpected(std::move(*taken));
    }
    auto next = std::make_shared<Api>(*current);
    next->spec = std::move(spec);
    next->revision = current->revision + 1;
    next->updated_at = std::max(domain::now_millis(), current->updated_at);
    unindex_locked(*current);
    ApiPtr published = std::move(next);
    index_locked(published);
    return published;
}

void MemoryStore::index_locked(const ApiPtr& api) {
    by_order_.emplace(OrderKey{api->created_at, api->id}, api);
    by_id_.emplace(api->id, api);
    by_name_.emplace(domain::name_key(api->spec.name), api);
    by_base_path_.emplace(api->spec.base_path, api);
}

void MemoryStore::unindex_locked(const Api& api) {
    by_order_.erase(OrderKey{api.created_at, api.id});
    by_name_.erase(domain::name_key(api.spec.name));
    by_base_path_.erase(api.spec.base_path);
    by_id_.erase(api.id);  // last: `api` may be owned by this entry alone
}

}  // namespace gateway::store
