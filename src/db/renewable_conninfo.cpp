#include "db/renewable_conninfo.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db/pg_messages.hpp"

namespace gateway::db {

namespace asio = boost::asio;

// A connect waiting for the renewal: woken by its end, or by its own deadline.
struct RenewableConninfo::Waiter {
    explicit Waiter(asio::any_io_executor executor_in)
        : executor(std::move(executor_in)), timer(executor) {}
    const asio::any_io_executor executor;
    asio::steady_timer timer;  // touched only on `executor`
};

std::shared_ptr<RenewableConninfo> RenewableConninfo::create(config::ConnectionParams initial,
                                                             Fetch fetch, Render render,
                                                             asio::any_io_executor blocking,
                                                             Options options) {
    return std::shared_ptr<RenewableConninfo>(
        new RenewableConninfo(std::move(initial), std::move(fetch), std::move(render),
                              std::move(blocking), std::move(options)));
}

RenewableConninfo::RenewableConninfo(config::ConnectionParams initial, Fetch fetch, Render render,
                                     asio::any_io_executor blocking, Options options)
    : fetch_(std::move(fetch)),
      render_(std::move(render)),
      blocking_(std::move(blocking)),
      options_(std::move(options)),
      params_(std::move(initial)),
      conninfo_(render_(params_)) {}

ConninfoSource::Current RenewableConninfo::current() const {
    std::lock_guard lock(mutex_);
    return {conninfo_, generation_};
}

config::ConnectionParams RenewableConninfo::params() const {
    std::lock_guard lock(mutex_);
    return params_;
}

std::uint64_t RenewableConninfo::renewals() const {
    std::lock_guard lock(mutex_);
    return renewals_;
}

asio::awaitable<bool> RenewableConninfo::renew_after_refusal(std::uint64_t generation,
                                                             Clock::time_point deadline) {
    const auto executor = co_await asio::this_coro::executor;
    auto waiter = std::make_shared<Waiter>(executor);
    bool start = false;
    {
        std::lock_guard lock(mutex_);
        if (generation_ != generation) co_return true;  // renewed since that connect began
        if (!renewing_) {
            const auto now = Clock::now();
            if (last_renewal_ && now - *last_renewal_ < options_.min_interval) {
                if (!std::exchange(told_about_interval_, true)) {
                    spdlog::warn(
                        "database: the server refuses the credentials from {}; they were "
                        "fetched again {} ago and will not be fetched again before {} have "
                        "passed",
                        options_.label,
                        describe_duration(std::chrono::duration_cast<std::chrono::milliseconds>(
                            now - *last_renewal_)),
                        describe_duration(options_.min_interval));
                }
                co_return false;
            }
            renewing_ = true;
            told_about_interval_ = false;
            last_renewal_ = now;
            ++renewals_;
            start = true;
        }
        waiter->timer.expires_at(deadline);
        waiters_.push_back(waiter);
    }
    if (start) {
        spdlog::warn("database: the server refused the credentials from {}; fetching them again",
                     options_.label);
        asio::post(blocking_,
                   [self = shared_from_this()] { self->finish_renewal(self->fetch_()); });
    }

    // Ends early when the renewal finishes and cancels the timer.
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::lock_guard lock(mutex_);
    std::erase(waiters_, waiter);
    co_return generation_ != generation;
}

void RenewableConninfo::finish_renewal(
    domain::Expected<config::ConnectionParams, std::string> fetched) {
    std::lock_guard lock(mutex_);
    renewing_ = false;
    if (!fetched) {
        spdlog::warn("database: fetching the credentials from {} again failed: {}", options_.label,
                     fetched.error());
    } else if (*fetched == params_) {
        spdlog::warn(
            "database: {} still holds the credentials the server refuses (is a rotation "
            "under way?)",
            options_.label);
    } else {
        params_ = std::move(*fetched);
        conninfo_ = render_(params_);
        ++generation_;
        spdlog::info("database: new credentials from {}; new connections use {}", options_.label,
                     config::describe_for_log(params_));
    }
    // Posted while the lock is held: a waiter cannot finish (and its event loop cannot
    // run out of work and be torn down) before the wake-up is queued there.
    for (auto& waiter : waiters_) {
        asio::post(waiter->executor, [waiter] { waiter->timer.cancel(); });
    }
    waiters_.clear();
}

}  // namespace gateway::db
