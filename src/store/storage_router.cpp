#include "store/storage_router.hpp"

namespace gateway::store {

std::shared_ptr<Repository> StorageRouter::current() {
    auto primary = manager_.primary();
    if (!primary) {
        // Not owned: the memory store outlives the router. An aliasing pointer with no
        // control block lets both cases share one return type.
        return std::shared_ptr<Repository>(std::shared_ptr<void>(), &memory_);
    }
    std::lock_guard lock(bound_mutex_);
    if (!bound_ || bound_->primary != primary) {
        bound_ = std::make_shared<const Bound>(
            Bound{primary, std::make_shared<PgStore>(primary->pool, manager_.settings())});
    }
    return bound_->store;
}

boost::asio::awaitable<StoreResult<domain::ApiPtr>> StorageRouter::create(domain::ApiSpec spec) {
    auto repository = current();
    co_return co_await repository->create(std::move(spec));
}

boost::asio::awaitable<StoreResult<domain::ApiPtr>> StorageRouter::find(std::string ref) {
    auto repository = current();
    co_return co_await repository->find(std::move(ref));
}

boost::asio::awaitable<StoreResult<ApiPage>> StorageRouter::list(ListQuery query) {
    auto repository = current();
    co_return co_await repository->list(std::move(query));
}

boost::asio::awaitable<StoreResult<domain::ApiPtr>> StorageRouter::replace(
    std::string ref, domain::ApiSpec spec, domain::Precondition precondition) {
    auto repository = current();
    co_return co_await repository->replace(std::move(ref), std::move(spec),
                                           std::move(precondition));
}

boost::asio::awaitable<StoreResult<domain::ApiPtr>> StorageRouter::patch(
    std::string ref, boost::json::object merge_patch, domain::Precondition precondition) {
    auto repository = current();
    co_return co_await repository->patch(std::move(ref), std::move(merge_patch),
                                         std::move(precondition));
}

boost::asio::awaitable<StoreResult<Done>> StorageRouter::remove(std::string ref,
                                                                domain::Precondition precondition) {
    auto repository = current();
    co_return co_await repository->remove(std::move(ref), std::move(precondition));
}

}  // namespace gateway::store
