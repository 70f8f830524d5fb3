#include "app/primary_keeper.hpp"

#include <functional>

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gateway::app {

namespace asio = boost::asio;

namespace {

store::FeedListener::Options listener_options(const config::Settings& settings) {
    store::FeedListener::Options options;
    options.poll_interval = settings.mirror.poll_interval;
    options.retention = settings.mirror.retention;
    options.audit_retention = settings.audit.retention;
    options.connect_timeout = settings.database.connect_timeout;
    options.statement_timeout = settings.database.statement_timeout;
    return options;
}

db::CircuitBreaker::Options backoff_options(const config::MirrorSettings& mirror) {
    db::CircuitBreaker::Options options;
    options.threshold = 1;
    options.max_backoff = mirror.max_probe_interval;
    return options;
}

}  // namespace

PrimaryKeeper::PrimaryKeeper(db::DatabaseManager& database, store::MirroredStore& store,
                             store::MemoryStore& mirror, store::MirrorStatus& status,
                             db::CircuitBreaker& breaker, const config::Settings& settings)
    : database_(database),
      store_(store),
      mirror_settings_(settings.mirror),
      status_(status),
      listener_(mirror, status, breaker, listener_options(settings)),
      return_backoff_(backoff_options(settings.mirror)) {}

asio::awaitable<void> PrimaryKeeper::pause(std::chrono::milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void PrimaryKeeper::adopt(const std::shared_ptr<const db::Primary>& primary) {
    if (adopted_ == primary) return;
    store_.adopt();
    adopted_ = primary;
    spdlog::info("storage: reads from the mirror of {}; writes go to it", primary->description);
}

bool PrimaryKeeper::snapshot_is_of(const db::Primary& primary) const {
    return snapshot_place_ && snapshot_place_->database == primary.description &&
           snapshot_place_->position != 0;
}

asio::awaitable<bool> PrimaryKeeper::adopt_initial() {
    auto primary = database_.primary();
    if (!primary) co_return false;
    status_.follow_database(primary->description);
    auto pool = primary->pool;
    std::optional<db::DbError> failure;
    if (snapshot_is_of(*primary)) {
        // The snapshot already loaded holds the primary up to its place in the feed: read
        // what changed since, rather than everything again beside it.
        // On failure the place is kept: run() tries the same catch-up again.
        listener_.resume_from(snapshot_place_->position);
        const auto started = std::chrono::steady_clock::now();
        failure = co_await listener_.catch_up_once(std::move(pool));
        if (!failure) {
            snapshot_place_.reset();
            spdlog::info(
                "mirror: caught up from the local snapshot's place in the change feed "
                "in {} ms",
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
        }
    } else {
        failure = co_await listener_.load_once(std::move(pool));
    }
    if (failure) {
        spdlog::warn("mirror: the first load failed ({}); retrying in the background",
                     failure->message);
        co_return false;
    }
    adopt(primary);
    co_return true;
}

asio::awaitable<void> PrimaryKeeper::find_primary() {
    // The sources were just tried (at start, or by the last round): back off first.
    co_await pause(return_backoff_.schedule_probe());
    const auto executor = co_await asio::this_coro::executor;
    co_await database_.reinitialize(executor);
}

asio::awaitable<void> PrimaryKeeper::run() {
    bool resume = adopted_ != nullptr;  // adopt_initial loaded the mirror already
    while (!stopping_.load()) {
        auto primary = database_.primary();
        if (!primary) {
            co_await find_primary();
            continue;
        }
        if (adopted_ != primary) resume = false;  // a new database: load everything
        if (!adopted_ && snapshot_place_) {
            // The first primary after a start from the snapshot: catch up from its place
            // when it is the database the snapshot was taken of.
            if (snapshot_is_of(*primary)) {
                listener_.resume_from(snapshot_place_->position);
                resume = true;
                spdlog::info(
                    "mirror: catching up from the local snapshot's place in the change feed");
            }
            snapshot_place_.reset();
        }
        status_.follow_database(primary->description);
        // Named before the co_await: g++ 12 destroys a capturing lambda that is a
        // temporary of a co_await expression twice (see db/blocking_work.hpp).
        std::function<bool()> keep_going = [this, primary] {
            return !stopping_.load() && database_.primary() == primary;
        };
        std::function<void()> on_loaded = [this, primary] { adopt(primary); };
        auto pool = primary->pool;
        co_await listener_.follow(std::move(pool), std::move(keep_going), std::move(on_loaded),
                                  resume);
        resume = false;
    }
}

}  // namespace gateway::app
