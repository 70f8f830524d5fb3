#include "app/journal_replayer.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/change_notifier.hpp"
#include "store/journal_replay.hpp"
#include "store/pg_store_errors.hpp"

namespace gateway::app {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// How soon a journal that waits notices that the primary is back: it only ever waits
// while the primary is away, so this bounds the delay before an outage's writes land.
constexpr auto kCheckInterval = 200ms;

}  // namespace

JournalReplayer::JournalReplayer(local::Journal& journal, store::MirroredStore& store,
                                 db::DatabaseManager& database, db::CircuitBreaker& breaker,
                                 std::chrono::milliseconds statement_timeout,
                                 std::function<void()> reload_mirror)
    : journal_(journal),
      store_(store),
      database_(database),
      breaker_(breaker),
      statement_timeout_(statement_timeout),
      reload_mirror_(std::move(reload_mirror)) {}

asio::awaitable<void> JournalReplayer::pause(std::chrono::milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> JournalReplayer::run() {
    while (!stopping_.load()) {
        auto primary = database_.primary();
        if (journal_.depth() == 0 || !store_.adopted() || !primary || breaker_.is_open()) {
            co_await pause(kCheckInterval);
            continue;
        }
        co_await replay_pending(primary);
        if (journal_.depth() > 0) co_await pause(kCheckInterval);
    }
}

asio::awaitable<void> JournalReplayer::replay_pending(
    const std::shared_ptr<const db::Primary>& primary) {
    auto connection = co_await primary->pool->acquire();
    if (!connection) {
        spdlog::warn("journal: cannot replay yet: {}", connection.error().message);
        co_return;
    }
    const auto started = Clock::now();
    std::size_t applied = 0, conflicts = 0;
    while (!stopping_.load()) {
        const auto entry = journal_.first_pending();
        if (!entry) break;
        auto result = co_await store::replay_entry(**connection, *entry, statement_timeout_);
        if (!result) {
            spdlog::warn("journal: replaying entry {} stopped: {}; trying again later", entry->seq,
                         result.error().message);
            if (result.error().code != db::DbErrc::query_failed) {
                breaker_.record_failure(store::unavailable_reason(result.error()));
            }
            break;
        }
        if (result->outcome == store::ReplayOutcome::conflict) {
            journal_.conflicted(entry->seq, result->detail);
            ++conflicts;
        } else {
            journal_.applied(entry->seq);
            ++applied;
        }
    }
    if (applied + conflicts == 0) co_return;
    // Other instances learn of the replayed changes at once; this one's mirror holds them.
    store::ChangeNotifier::create(primary->pool)->changed(co_await asio::this_coro::executor);
    if (conflicts > 0) reload_mirror_();
    spdlog::info(
        "journal: replayed {} entr{} into the primary in {} ms ({} conflict{}), {} left",
        applied + conflicts, applied + conflicts == 1 ? "y" : "ies",
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count(),
        conflicts, conflicts == 1 ? "" : "s", journal_.depth());
}

}  // namespace gateway::app
