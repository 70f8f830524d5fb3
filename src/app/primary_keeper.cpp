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

asio::awaitable<bool> PrimaryKeeper::adopt_initial() {
    auto primary = database_.primary();
    if (!primary) co_return false;
    auto pool = primary->pool;
    if (auto failure = co_await listener_.load_once(std::move(pool))) {
        spdlog::warn("mirror: the first load failed ({}); retrying in the background",
                     failure->message);
        co_return false;
    }
    adopt(primary);
    co_return true;
}

asio::awaitable<void> PrimaryKeeper::find_primary() {
    if (store_.fallback_took_writes()) {
        if (!said_fallback_written_) {
            spdlog::warn(
                "database: the in-memory fallback has accepted writes; not switching to a "
                "returning primary by itself, since those writes would be left behind (SIGHUP "
                "switches all the same)");
            said_fallback_written_ = true;
        }
        co_await pause(mirror_settings_.max_probe_interval);
        co_return;
    }
    // The sources were just tried (at start, or by the last round): back off first.
    co_await pause(return_backoff_.schedule_probe());
    const auto executor = co_await asio::this_coro::executor;
    if (!co_await database_.reinitialize(executor)) co_return;
    if (!store_.close_fallback()) {
        // A write reached the fallback while the sources were being tried: stay.
        declined_ = database_.primary();
    }
}

asio::awaitable<void> PrimaryKeeper::run() {
    bool resume = adopted_ != nullptr;  // adopt_initial loaded the mirror already
    while (!stopping_.load()) {
        auto primary = database_.primary();
        if (!primary) {
            co_await find_primary();
            continue;
        }
        if (!adopted_ && primary == declined_) {
            co_await find_primary();  // says why once, then waits for a SIGHUP
            continue;
        }
        if (!adopted_ && !store_.close_fallback()) {
            // Only a SIGHUP installs a primary while the fallback holds writes: the
            // operator asked for the switch.
            spdlog::warn(
                "database: switching to the primary on SIGHUP; writes the in-memory fallback "
                "accepted stay in the mirror only until it loads the primary's APIs");
            store_.force_close_fallback();
        }
        if (adopted_ != primary) resume = false;  // a new database: load everything
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
