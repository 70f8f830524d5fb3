// The repository the handlers use: the PostgreSQL store while a primary is in use,
// the memory store otherwise. It follows the database manager, so a reinitialize
// (SIGHUP) that swaps the primary is picked up by the next request.
#pragma once

#include <memory>
#include <mutex>

#include "db/database_manager.hpp"
#include "store/memory_store.hpp"
#include "store/pg_store.hpp"
#include "store/repository.hpp"

namespace gateway::store {

class StorageRouter final : public Repository {
  public:
    StorageRouter(db::DatabaseManager& manager, MemoryStore& memory)
        : manager_(manager), memory_(memory) {}

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

  private:
    // The PostgreSQL store of one primary; replaced when the manager swaps primaries.
    struct Bound {
        std::shared_ptr<const db::Primary> primary;
        std::shared_ptr<PgStore> store;
    };

    // The store to use now: a PgStore bound to the current primary, or the memory store.
    // The returned pointer keeps that PgStore (and its pool) alive for the call.
    std::shared_ptr<Repository> current();

    db::DatabaseManager& manager_;
    MemoryStore& memory_;
    mutable std::mutex bound_mutex_;  // see DatabaseManager::primary_mutex_ for why not atomic
    std::shared_ptr<const Bound> bound_;
};

}  // namespace gateway::store
