#include "local/durable_repository.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace gateway::local {

namespace asio = boost::asio;
using store::StoreResult;

template <class T>
asio::awaitable<StoreResult<T>> DurableRepository::once_written(StoreResult<T> result) {
    if (!result) co_return result;
    // The change was queued while the store's lock was held, so the last ticket now is
    // its own or a later one.
    const bool written =
        co_await state_.async_wait_written(state_.last_ticket(), asio::use_awaitable);
    if (!written) {
        // The change stays in memory and the writer keeps trying to store it: the outcome
        // is not known, and the answer says so.
        co_return domain::unexpected(store::StoreError{
            store::StoreErrc::unavailable,
            "Local storage unavailable: the change was applied in memory but could not be "
            "written to the data directory yet; it may or may not survive a restart",
            {},
            std::chrono::seconds(1)});
    }
    co_return result;
}

asio::awaitable<StoreResult<domain::ApiPtr>> DurableRepository::create(
    domain::ApiSpec spec, domain::ChangeOrigin origin) {
    co_return co_await once_written(store_.create_now(std::move(spec), origin));
}

asio::awaitable<StoreResult<domain::ApiPtr>> DurableRepository::find(std::string ref) {
    co_return store_.find_now(ref);
}

asio::awaitable<StoreResult<store::ApiPage>> DurableRepository::list(store::ListQuery query) {
    co_return store_.list_now(query);
}

asio::awaitable<StoreResult<domain::ApiPtr>> DurableRepository::replace(
    std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
    domain::ChangeOrigin origin) {
    co_return co_await once_written(store_.replace_now(ref, std::move(spec), precondition, origin));
}

asio::awaitable<StoreResult<domain::ApiPtr>> DurableRepository::patch(
    std::string ref, boost::json::object merge_patch, domain::Precondition precondition,
    domain::ChangeOrigin origin) {
    co_return co_await once_written(store_.patch_now(ref, merge_patch, precondition, origin));
}

asio::awaitable<StoreResult<store::Done>> DurableRepository::remove(
    std::string ref, domain::Precondition precondition, domain::ChangeOrigin origin) {
    co_return co_await once_written(store_.remove_now(ref, precondition, origin));
}

// The trail is the store's, in memory: it does not survive a restart as the APIs do.
asio::awaitable<StoreResult<store::AuditPage>> DurableRepository::audit(store::AuditQuery query) {
    co_return store_.audit_now(query);
}

asio::awaitable<StoreResult<store::KeyedOutcome>> DurableRepository::write_once(
    store::IdempotencyKey key, store::WriteRequest request) {
    // Named before the co_await: see PrimaryKeeper::run.
    store::IdempotencyTable::Run run = [this, &request] {
        return store::perform(*this, std::move(request));
    };
    co_return co_await keys_.run_once(std::move(key), std::move(run));
}

}  // namespace gateway::local
