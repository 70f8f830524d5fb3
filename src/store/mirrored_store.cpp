#include "store/mirrored_store.hpp"

#include <boost/asio/this_coro.hpp>

namespace gateway::store {

namespace asio = boost::asio;

namespace {

StoreError switching() {
    return StoreError{StoreErrc::unavailable,
                      "Database unavailable: switching to the primary database; try again "
                      "shortly",
                      {},
                      std::chrono::seconds(1)};
}

}  // namespace

MirroredStore::MirroredStore(MemoryStore& mirror, std::shared_ptr<db::CircuitBreaker> breaker,
                             CurrentPrimary current_primary, config::DatabaseSettings settings,
                             Start start)
    : mirror_(mirror),
      breaker_(std::move(breaker)),
      current_primary_(std::move(current_primary)),
      settings_(settings),
      fallback_(start == Start::on_primary ? closed : open_untouched) {}

std::shared_ptr<const MirroredStore::Writer> MirroredStore::writer() const {
    if (!adopted()) return nullptr;
    auto primary = current_primary_();
    if (!primary) return nullptr;
    std::lock_guard lock(writer_mutex_);
    if (!writer_ || writer_->primary != primary) {
        if (writer_) breaker_->record_success();
        writer_ = std::make_shared<const Writer>(
            Writer{primary, std::make_shared<PgStore>(primary->pool, settings_, breaker_),
                   ChangeNotifier::create(primary->pool)});
    }
    return writer_;
}

bool MirroredStore::close_fallback() {
    int expected = open_untouched;
    return fallback_.compare_exchange_strong(expected, closed) || expected == closed;
}

bool MirroredStore::fallback_took_writes() const {
    return fallback_.load() == open_written;
}

bool MirroredStore::enter_fallback_write() {
    int state = fallback_.load();
    while (state == open_untouched) {
        if (fallback_.compare_exchange_weak(state, open_written)) return true;
    }
    return state == open_written;
}

std::optional<StoreError> MirroredStore::refusal() const {
    const auto wait = breaker_->refusal();
    if (!wait) return std::nullopt;
    const auto reason = breaker_->state().reason;
    return StoreError{StoreErrc::unavailable,
                      "Database unavailable: the primary database cannot be reached" +
                          (reason.empty() ? std::string() : " (" + reason + ")") +
                          "; the change was not applied",
                      {},
                      *wait};
}

// --- reads: always the mirror

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::find(std::string ref) {
    co_return mirror_.find_now(ref);
}

asio::awaitable<StoreResult<ApiPage>> MirroredStore::list(ListQuery query) {
    co_return mirror_.list_now(query);
}

// --- writes: the primary, then the mirror; or the fallback

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::create(domain::ApiSpec spec) {
    const auto target = writer();
    if (!target) {
        if (!enter_fallback_write()) co_return domain::unexpected(switching());
        co_return mirror_.create_now(std::move(spec));
    }
    if (auto refused = refusal()) co_return domain::unexpected(std::move(*refused));
    auto created = co_await target->store->create(std::move(spec));
    if (created) {
        mirror_.apply_current(**created);
        target->notifier->changed(co_await asio::this_coro::executor);
    }
    co_return created;
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::replace(
    std::string ref, domain::ApiSpec spec, domain::Precondition precondition) {
    const auto target = writer();
    if (!target) {
        if (!enter_fallback_write()) co_return domain::unexpected(switching());
        co_return mirror_.replace_now(ref, std::move(spec), precondition);
    }
    if (auto refused = refusal()) co_return domain::unexpected(std::move(*refused));
    auto replaced =
        co_await target->store->replace(std::move(ref), std::move(spec), std::move(precondition));
    if (replaced && mirror_.apply_current(**replaced)) {
        target->notifier->changed(co_await asio::this_coro::executor);
    }
    co_return replaced;
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::patch(
    std::string ref, boost::json::object merge_patch, domain::Precondition precondition) {
    const auto target = writer();
    if (!target) {
        if (!enter_fallback_write()) co_return domain::unexpected(switching());
        co_return mirror_.patch_now(ref, merge_patch, precondition);
    }
    if (auto refused = refusal()) co_return domain::unexpected(std::move(*refused));
    auto patched = co_await target->store->patch(std::move(ref), std::move(merge_patch),
                                                 std::move(precondition));
    if (patched && mirror_.apply_current(**patched)) {
        target->notifier->changed(co_await asio::this_coro::executor);
    }
    co_return patched;
}

asio::awaitable<StoreResult<Done>> MirroredStore::remove(std::string ref,
                                                         domain::Precondition precondition) {
    const auto target = writer();
    if (!target) {
        if (!enter_fallback_write()) co_return domain::unexpected(switching());
        co_return mirror_.remove_now(ref, precondition);
    }
    if (auto refused = refusal()) co_return domain::unexpected(std::move(*refused));
    auto removed =
        co_await target->store->remove_returning_id(std::move(ref), std::move(precondition));
    if (!removed) co_return domain::unexpected(std::move(removed).error());
    mirror_.apply_removed(*removed);
    target->notifier->changed(co_await asio::this_coro::executor);
    co_return Done{};
}

}  // namespace gateway::store
