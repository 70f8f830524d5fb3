#include "store/feed_listener.hpp"

#include <algorithm>
#ifdef __GLIBC__
#endif
#include <random>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "domain/timestamps.hpp"
#include "store/freed_memory.hpp"
#include "store/pg_audit.hpp"
#include "store/pg_store_errors.hpp"

namespace gateway::store {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// Reading the feed is one indexed query; a database that takes longer is as good as gone.
constexpr std::chrono::milliseconds kFeedReadCap = 2s;
// Ids fetched per statement when many changed at once.
constexpr std::size_t kFetchBatch = 1000;

}  // namespace

FeedListener::FeedListener(MemoryStore& mirror, MirrorStatus& status, db::CircuitBreaker& breaker,
                           Options options)
    : mirror_(mirror),
      status_(status),
      breaker_(breaker),
      options_(options),
      random_(std::random_device{}()) {}

asio::awaitable<void> FeedListener::pause(std::chrono::milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void FeedListener::lost(const db::DbError& error, bool count_failure) {
    if (status_.following()) {
        spdlog::warn("mirror: lost the change feed ({}); reads are served from the mirror as of {}",
                     error.message, domain::format_timestamp(status_.last_synced()));
    }
    status_.mark_lost();
    // Counted like a request's failure rather than opening the breaker at once: a
    // session ended by an administrator, or caught by a rotation, is no outage.
    if (count_failure) breaker_.record_failure(unavailable_reason(error));
}

asio::awaitable<std::optional<db::DbError>> FeedListener::load_once(
    std::shared_ptr<db::ConnectionPool> pool) {
    const auto executor = co_await asio::this_coro::executor;
    auto connection = co_await pool->open_dedicated(executor, options_.connect_timeout);
    if (!connection) co_return connection.error();
    const std::function<void()> nothing_more;  // named: see PrimaryKeeper::run
    co_return co_await load_everything(**connection, nothing_more);
}

asio::awaitable<std::optional<db::DbError>> FeedListener::catch_up_once(
    std::shared_ptr<db::ConnectionPool> pool) {
    const auto executor = co_await asio::this_coro::executor;
    auto connection = co_await pool->open_dedicated(executor, options_.connect_timeout);
    if (!connection) co_return connection.error();
    const std::function<void()> nothing_more;  // named: see PrimaryKeeper::run
    co_return co_await sync(**connection, nothing_more);
}

asio::awaitable<void> FeedListener::follow(std::shared_ptr<db::ConnectionPool> pool,
                                           std::function<bool()> keep_going,
                                           std::function<void()> on_loaded, bool resume) {
    const auto executor = co_await asio::this_coro::executor;
    const std::string listen_sql = "LISTEN " + std::string(kChangeChannel);
    if (!resume) position_.reset();
    bool reconnect_at_once = false;  // after losing a session that was working
    while (keep_going()) {
        if (!reconnect_at_once && breaker_.is_open()) co_await pause(breaker_.schedule_probe());
        if (!keep_going()) break;
        reconnect_at_once = false;

        auto connection = co_await pool->open_dedicated(executor, options_.connect_timeout);
        // A primary swapped out meanwhile (SIGHUP) says nothing about the one in use.
        if (!connection) {
            lost(connection.error(), keep_going());
            co_await pause(breaker_.schedule_probe());
            continue;
        }
        auto& session = **connection;
        std::optional<db::DbError> failure;
        if (auto listening = co_await session.simple_query(listen_sql, options_.statement_timeout);
            !listening) {
            failure = listening.error();
        } else {
            failure = co_await sync(session, on_loaded);
        }
        if (failure) {
            lost(*failure, keep_going());
            co_await pause(breaker_.schedule_probe());
            continue;
        }
        breaker_.record_success();

        // Prunes start at a random point of the interval, so that instances that started
        // together do not all prune at once.
        std::uniform_int_distribution<std::int64_t> offset(0, options_.prune_interval.count());
        auto next_prune = Clock::now() + std::chrono::milliseconds(offset(random_));
        while (keep_going()) {
            auto woken =
                co_await session.wait_for_notifications(Clock::now() + options_.poll_interval);
            if (!woken) {
                failure = woken.error();
                break;
            }
            if ((failure = co_await sync(session, on_loaded))) break;
            if (Clock::now() >= next_prune) {
                next_prune = Clock::now() + options_.prune_interval;
                auto pruned =
                    co_await prune_changes(session, options_.retention, options_.statement_timeout);
                if (!pruned) {
                    spdlog::warn("mirror: pruning the change feed failed: {}",
                                 pruned.error().message);
                    if (session.broken()) {
                        failure = pruned.error();
                        break;
                    }
                } else if (*pruned > 0) {
                    spdlog::debug("mirror: pruned {} change feed row(s)", *pruned);
                }
                if ((failure = co_await purge_old_audit_records(session))) break;
            }
        }
        if (failure) {
            // The session worked until now: one prompt attempt to reconnect before the
            // breaker opens (an administrator ending the session is no outage).
            lost(*failure, false);
            reconnect_at_once = true;
        }
    }
    status_.mark_lost();
}

asio::awaitable<std::optional<db::DbError>> FeedListener::purge_old_audit_records(
    db::PgConnection& session) {
    // In batches, so that no statement holds its locks long; a few per interval at most,
    // the rest left for the next one.
    constexpr std::int64_t kBatch = 10'000;
    constexpr int kMaxBatches = 10;
    for (int round = 0; round < kMaxBatches; ++round) {
        auto purged = co_await purge_audit(session, options_.audit_retention, kBatch,
                                           options_.statement_timeout);
        if (!purged) {
            spdlog::warn("audit: purging old records failed: {}", purged.error().message);
            if (session.broken()) co_return purged.error();
            co_return std::nullopt;
        }
        if (*purged > 0) spdlog::debug("audit: purged {} record(s) past the retention", *purged);
        if (*purged < kBatch) break;
    }
    co_return std::nullopt;
}

asio::awaitable<std::optional<db::DbError>> FeedListener::sync(
    db::PgConnection& connection, const std::function<void()>& on_loaded) {
    if (!position_ || reload_requested_.exchange(false)) {
        co_return co_await load_everything(connection, on_loaded);
    }
    auto batch = co_await read_changes(connection, *position_,
                                       std::min(options_.statement_timeout, kFeedReadCap));
    if (!batch) co_return batch.error();
    if (batch->pruned_past) {
        spdlog::info(
            "mirror: the change feed was pruned past this instance's place; loading "
            "everything again");
        co_return co_await load_everything(connection, on_loaded);
    }
    if (auto failure = co_await apply(connection, *batch)) co_return failure;
    const bool was_following = status_.following();
    position_ = batch->next;
    status_.mark_position(*position_);
    status_.mark_synced(domain::now_millis());
    if (!was_following) {
        spdlog::info("mirror: following the change feed again; caught up");
        // A resume (from a snapshot, say) holds the primary's state from here on.
        if (on_loaded) on_loaded();
    }
    co_return std::nullopt;
}

asio::awaitable<std::optional<db::DbError>> FeedListener::load_everything(
    db::PgConnection& connection, const std::function<void()>& on_loaded) {
    const auto started = Clock::now();
    const std::uint64_t generation = mirror_.generation();
    auto snapshot = co_await load_all_apis(connection, options_.statement_timeout);
    if (!snapshot) co_return snapshot.error();
    const std::size_t count = snapshot->apis.size();
    mirror_.load(std::move(snapshot->apis), generation);
    // The result and the records it replaced: about a fifth of the process with 100,000 APIs.
    release_freed_memory();
    position_ = snapshot->position;
    status_.mark_position(*position_);
    status_.count_full_load();
    status_.mark_synced(domain::now_millis());
    spdlog::info(
        "mirror: loaded {} API(s) from the primary in {} ms", count,
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
    if (on_loaded) on_loaded();
    co_return std::nullopt;
}

asio::awaitable<std::optional<db::DbError>> FeedListener::apply(db::PgConnection& connection,
                                                                const FeedBatch& batch) {
    std::vector<std::string> wanted;
    std::unordered_set<std::string_view> seen;
    for (const auto& change : batch.changes) {
        if (change.deleted) {
            mirror_.apply_removed(change.api_id);
        } else if (!mirror_.holds(change.api_id, change.revision) &&
                   seen.insert(change.api_id).second) {
            wanted.push_back(change.api_id);
        }
    }
    // The feed says which APIs changed; their rows say what they are now, whatever
    // happened to them since (a later change, a delete).
    for (std::size_t begin = 0; begin < wanted.size(); begin += kFetchBatch) {
        const std::vector<std::string> ids(
            wanted.begin() + static_cast<std::ptrdiff_t>(begin),
            wanted.begin() +
                static_cast<std::ptrdiff_t>(std::min(wanted.size(), begin + kFetchBatch)));
        auto fetched = co_await fetch_apis(connection, ids, options_.statement_timeout);
        if (!fetched) co_return fetched.error();
        std::unordered_set<std::string_view> present;
        for (const auto& api : *fetched) {
            present.insert(api->id);
            mirror_.apply_current(*api);
        }
        for (const auto& id : ids) {
            if (!present.contains(id)) mirror_.apply_removed(id);
        }
    }
    co_return std::nullopt;
}

}  // namespace gateway::store
