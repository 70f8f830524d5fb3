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

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::create(ApiSpec spec,
                                                                domain::ChangeOrigin origin) {
    co_return create_now(std::move(spec), origin);
}

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::find(std::string ref) {
    co_return find_now(ref);
}

boost::asio::awaitable<StoreResult<ApiPage>> MemoryStore::list(ListQuery query) {
    co_return list_now(query);
}

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::replace(std::string ref, ApiSpec spec,
                                                                 domain::Precondition precondition,
                                                                 domain::ChangeOrigin origin) {
    co_return replace_now(ref, std::move(spec), precondition, origin);
}

boost::asio::awaitable<StoreResult<ApiPtr>> MemoryStore::patch(std::string ref,
                                                               boost::json::object merge_patch,
                                                               domain::Precondition precondition,
                                                               domain::ChangeOrigin origin) {
    co_return patch_now(ref, merge_patch, precondition, origin);
}

boost::asio::awaitable<StoreResult<Done>> MemoryStore::remove(std::string ref,
                                                              domain::Precondition precondition,
                                                              domain::ChangeOrigin origin) {
    co_return remove_now(ref, precondition, origin);
}

boost::asio::awaitable<StoreResult<AuditPage>> MemoryStore::audit(AuditQuery query) {
    co_return audit_now(query);
}

// --- operations

std::shared_ptr<MemoryStore::Stored> MemoryStore::make_stored(domain::Api api) {
    auto stored = std::make_shared<Stored>();
    stored->name_key = domain::name_key(api.spec.name);
    api.json.clear();
    api.json = domain::api_to_json(api);
    // Serialising reserves by estimate; a record kept for its lifetime keeps no slack.
    api.json.shrink_to_fit();
    stored->api = std::move(api);
    return stored;
}

domain::ApiPtr MemoryStore::public_view(const StoredPtr& stored) {
    return domain::ApiPtr(stored, &stored->api);  // shares the record's ownership
}

StoreResult<ApiPtr> MemoryStore::create_now(ApiSpec spec, const domain::ChangeOrigin& origin) {
    creates_.fetch_add(1, std::memory_order_relaxed);
    // Everything that needs no lock happens before taking it.
    domain::Api api;
    api.id = domain::new_api_id();
    api.spec = std::move(spec);
    api.revision = 1;
    api.created_at = api.updated_at = domain::now_millis();
    auto stored = make_stored(std::move(api));

    std::unique_lock lock(mutex_);
    if (last_created_at_ > stored->api.created_at) {
        // The clock stepped back: keep creation order, at the cost of serialising again.
        domain::Api later = std::move(stored->api);
        later.created_at = later.updated_at = last_created_at_;
        stored = make_stored(std::move(later));
    }
    last_created_at_ = stored->api.created_at;
    stored->generation = ++generation_;
    StoredPtr published = std::move(stored);
    // Claiming the name and the base path by inserting them is the uniqueness check:
    // the write lock is held for as few walks of the big tables as possible.
    if (!by_name_.try_insert(published->name_key, published.get())) {
        return store_error(StoreErrc::conflict, name_taken_detail(published->api.spec.name));
    }
    const std::string& base_path = published->api.spec.base_path;
    if (!by_base_path_.try_insert(base_path, published.get())) {
        by_name_.erase(published->name_key);
        return store_error(StoreErrc::conflict, base_path_taken_detail(base_path));
    }
    by_id_.insert(published->api.id, published);
    by_order_.insert(published);
    if (sink_ != nullptr) sink_->stored(public_view(published));
    audit_locked(domain::AuditAction::create, nullptr, &published->api, published->api.created_at,
                 origin);
    return public_view(published);
}

StoreResult<ApiPtr> MemoryStore::find_now(std::string_view ref) const {
    finds_.fetch_add(1, std::memory_order_relaxed);
    std::shared_lock lock(mutex_);
    if (auto stored = lookup_locked(ref)) return public_view(stored);
    return store_error(StoreErrc::not_found, not_found_detail(ref));
}

StoreResult<ApiPage> MemoryStore::list_now(const ListQuery& query) const {
    lists_.fetch_add(1, std::memory_order_relaxed);
    ApiPage page;
    page.items.reserve(std::min<std::size_t>(query.limit, 1000));

    std::shared_lock lock(mutex_);
    auto it = query.after
                  ? by_order_.upper_bound(OrderKey{query.after->created_at, query.after->id})
                  : by_order_.begin();
    for (; it != by_order_.end(); ++it) {
        const Api& api = (*it)->api;
        if (!matches(api, query)) continue;
        if (page.items.size() == query.limit) {
            // Another match exists past this page: only then is there a next page.
            const Api& last = *page.items.back();
            page.next = domain::Cursor{last.created_at, last.id};
            break;
        }
        page.items.push_back(public_view(*it));
    }
    return page;
}

StoreResult<ApiPtr> MemoryStore::replace_now(std::string_view ref, ApiSpec spec,
                                             const domain::Precondition& precondition,
                                             const domain::ChangeOrigin& origin) {
    replaces_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock lock(mutex_);
    StoredPtr current = lookup_locked(ref);
    if (!current) return store_error(StoreErrc::not_found, not_found_detail(ref));
    if (!precondition.admits(current->api.revision)) {
        return store_error(StoreErrc::precondition_failed,
                           precondition_failed_detail(current->api.revision));
    }
    return update_locked(current, std::move(spec), domain::AuditAction::replace, origin);
}

StoreResult<ApiPtr> MemoryStore::patch_now(std::string_view ref,
                                           const boost::json::object& merge_patch,
                                           const domain::Precondition& precondition,
                                           const domain::ChangeOrigin& origin) {
    patches_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock lock(mutex_);
    StoredPtr current = lookup_locked(ref);
    if (!current) return store_error(StoreErrc::not_found, not_found_detail(ref));
    if (!precondition.admits(current->api.revision)) {
        return store_error(StoreErrc::precondition_failed,
                           precondition_failed_detail(current->api.revision));
    }
    boost::json::value document = domain::spec_to_json_object(current->api.spec);
    domain::apply_merge_patch(document, merge_patch);
    auto spec = domain::spec_from_json(document.as_object());
    if (!spec) {
        return domain::unexpected(
            StoreError{StoreErrc::invalid, "Validation failed", std::move(spec).error()});
    }
    return update_locked(current, std::move(spec).value(), domain::AuditAction::patch, origin);
}

StoreResult<Done> MemoryStore::remove_now(std::string_view ref,
                                          const domain::Precondition& precondition,
                                          const domain::ChangeOrigin& origin) {
    auto removed = remove_returning_now(ref, precondition, origin);
    if (!removed) return domain::unexpected(std::move(removed).error());
    return Done{};
}

StoreResult<ApiPtr> MemoryStore::remove_returning_now(std::string_view ref,
                                                      const domain::Precondition& precondition,
                                                      const domain::ChangeOrigin& origin) {
    removes_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock lock(mutex_);
    StoredPtr current = lookup_locked(ref);
    if (!current) return store_error(StoreErrc::not_found, not_found_detail(ref));
    if (!precondition.admits(current->api.revision)) {
        return store_error(StoreErrc::precondition_failed,
                           precondition_failed_detail(current->api.revision));
    }
    unindex_locked(*current);
    ++generation_;
    audit_locked(domain::AuditAction::remove, &current->api, nullptr, domain::now_millis(), origin);
    return public_view(current);
}

StoreResult<AuditPage> MemoryStore::audit_now(const AuditQuery& query) const {
    const domain::Millis now = domain::now_millis();
    std::shared_lock lock(mutex_);
    if (!trail_) return AuditPage{};
    return trail_->page(query, now);
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
    stats.apis = by_order_.size();
    return stats;
}

void MemoryStore::clear() {
    std::unique_lock lock(mutex_);
    if (sink_ != nullptr) {
        for (const auto& stored : by_order_) sink_->removed(stored->api.id);
    }
    // The indexes view strings owned by the records: drop them before the records.
    by_id_.clear();
    by_name_.clear();
    by_base_path_.clear();
    by_order_.clear();
}

// --- helpers; the caller holds mutex_

MemoryStore::StoredPtr MemoryStore::lookup_locked(std::string_view ref) const {
    if (domain::looks_like_uuid(ref)) {
        const bool lower = std::none_of(ref.begin(), ref.end(), [](char c) {
            return std::isupper(static_cast<unsigned char>(c));
        });
        if (const auto* hit = lower ? by_id_.find(ref) : by_id_.find(lower_id(ref))) return *hit;
    }
    if (const auto* hit = by_name_.find(domain::name_key(ref))) return owner_locked(*hit);
    return nullptr;
}

MemoryStore::StoredPtr MemoryStore::owner_locked(const Stored* stored) const {
    const auto* owner = by_id_.find(stored->api.id);
    return owner != nullptr ? *owner : nullptr;
}

std::optional<StoreError> MemoryStore::collision_locked(const Stored& candidate,
                                                        std::string_view self_id) const {
    if (const auto* hit = by_name_.find(candidate.name_key); hit && (*hit)->api.id != self_id) {
        return StoreError{StoreErrc::conflict, name_taken_detail(candidate.api.spec.name), {}};
    }
    const std::string& base_path = candidate.api.spec.base_path;
    if (const auto* hit = by_base_path_.find(base_path); hit && (*hit)->api.id != self_id) {
        return StoreError{StoreErrc::conflict, base_path_taken_detail(base_path), {}};
    }
    return std::nullopt;
}

StoreResult<ApiPtr> MemoryStore::update_locked(const StoredPtr& current, ApiSpec spec,
                                               domain::AuditAction action,
                                               const domain::ChangeOrigin& origin) {
    // Writing what is already there is no change: the revision and ETag stay.
    if (spec == current->api.spec) return public_view(current);
    domain::Api next = current->api;
    next.spec = std::move(spec);
    next.revision = current->api.revision + 1;
    next.updated_at = std::max(domain::now_millis(), current->api.updated_at);
    auto fresh = make_stored(std::move(next));
    fresh->generation = ++generation_;
    StoredPtr replacement = std::move(fresh);
    if (auto taken = collision_locked(*replacement, current->api.id)) {
        return domain::unexpected(std::move(*taken));
    }
    unindex_locked(*current);
    index_locked(replacement);
    audit_locked(action, &current->api, &replacement->api, replacement->api.updated_at, origin);
    return public_view(replacement);
}

void MemoryStore::audit_locked(domain::AuditAction action, const domain::Api* before,
                               const domain::Api* after, domain::Millis at,
                               const domain::ChangeOrigin& origin) {
    if (!trail_) return;
    if (auto record = domain::audit_record_of(action, before, after, at, origin)) {
        trail_->append(std::move(*record), domain::now_millis());
    }
}

void MemoryStore::index_locked(const StoredPtr& stored) {
    const Api& api = stored->api;
    by_order_.insert(stored);
    by_id_.insert(api.id, stored);
    by_name_.insert(stored->name_key, stored.get());
    by_base_path_.insert(api.spec.base_path, stored.get());
    if (sink_ != nullptr) sink_->stored(public_view(stored));
}

void MemoryStore::unindex_locked(const Stored& stored) {
    const Api& api = stored.api;
    by_name_.erase(stored.name_key);
    by_base_path_.erase(api.spec.base_path);
    by_order_.erase(OrderKey{api.created_at, api.id});
    if (sink_ != nullptr) sink_->removed(api.id);
    // The last share the indexes hold goes last, and lives until the keys viewing into
    // the record are no longer needed.
    const StoredPtr owner = by_id_.take(api.id);
}

boost::asio::awaitable<StoreResult<KeyedOutcome>> MemoryStore::write_once(IdempotencyKey key,
                                                                          WriteRequest request) {
    // Named before the co_await: see PrimaryKeeper::run.
    IdempotencyTable::Run run = [this, &request] { return perform(*this, std::move(request)); };
    co_return co_await keys_.run_once(std::move(key), std::move(run));
}

}  // namespace gateway::store
