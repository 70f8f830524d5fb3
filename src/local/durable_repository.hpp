// Memory mode with DATA_DIR: the in-memory store is the storage of record, and a write is
// answered only once the local snapshot holds it, so an acknowledged write survives a
// crash. Writes still decide in memory (one atomic step); only the answer waits, for the
// batch that carries the change (group commit: one sync covers every write queued
// meanwhile).
#pragma once

#include "local/local_state.hpp"
#include "store/idempotency_table.hpp"
#include "store/memory_store.hpp"
#include "store/repository.hpp"

namespace gateway::local {

class DurableRepository final : public store::Repository {
  public:
    DurableRepository(store::MemoryStore& store, LocalState& state)
        : store_(store), state_(state) {}

    boost::asio::awaitable<store::StoreResult<domain::ApiPtr>> create(
        domain::ApiSpec spec, domain::ChangeOrigin origin) override;
    boost::asio::awaitable<store::StoreResult<domain::ApiPtr>> find(std::string ref) override;
    boost::asio::awaitable<store::StoreResult<store::ApiPage>> list(
        store::ListQuery query) override;
    boost::asio::awaitable<store::StoreResult<domain::ApiPtr>> replace(
        std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
        domain::ChangeOrigin origin) override;
    boost::asio::awaitable<store::StoreResult<domain::ApiPtr>> patch(
        std::string ref, boost::json::object merge_patch, domain::Precondition precondition,
        domain::ChangeOrigin origin) override;
    boost::asio::awaitable<store::StoreResult<store::Done>> remove(
        std::string ref, domain::Precondition precondition, domain::ChangeOrigin origin) override;

    // Keys live in this process only: they do not survive a restart as the APIs do.
    boost::asio::awaitable<store::StoreResult<store::KeyedOutcome>> write_once(
        store::IdempotencyKey key, store::WriteRequest request) override;
    boost::asio::awaitable<store::StoreResult<store::AuditPage>> audit(
        store::AuditQuery query) override;

  private:
    // After a successful write: waits until it is on disk; the error when writing failed.
    template <class T>
    boost::asio::awaitable<store::StoreResult<T>> once_written(store::StoreResult<T> result);

    store::MemoryStore& store_;
    LocalState& state_;
    store::IdempotencyTable keys_;
};

}  // namespace gateway::local
