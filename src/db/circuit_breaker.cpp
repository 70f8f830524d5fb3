#include "db/circuit_breaker.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace gateway::db {

CircuitBreaker::CircuitBreaker(Options options, std::function<Clock::time_point()> now)
    : options_(options), now_(std::move(now)), random_(std::random_device{}()) {}

std::optional<std::chrono::seconds> CircuitBreaker::refusal() const {
    std::lock_guard lock(mutex_);
    if (!state_.open) return std::nullopt;
    const auto left = std::chrono::ceil<std::chrono::seconds>(next_probe_at_ - now_());
    return std::max(left, std::chrono::seconds(1));
}

void CircuitBreaker::record_success() {
    if (!troubled_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mutex_);
    troubled_.store(false, std::memory_order_release);
    if (state_.open) spdlog::info("database: reachable again; writes go to it once more");
    state_.open = false;
    state_.consecutive_failures = 0;
    state_.reason.clear();
    probes_scheduled_ = 0;
}

void CircuitBreaker::record_failure(std::string reason) {
    std::lock_guard lock(mutex_);
    troubled_.store(true, std::memory_order_release);
    ++state_.consecutive_failures;
    if (!state_.open && state_.consecutive_failures >= options_.threshold) {
        open_locked(std::move(reason));
    } else if (state_.open) {
        state_.reason = std::move(reason);
    }
}

void CircuitBreaker::open_locked(std::string reason) {
    spdlog::warn(
        "database: unreachable ({}); refusing writes at once until a probe reaches it again",
        reason);
    state_.open = true;
    ++state_.times_opened;
    state_.opened_at = std::chrono::system_clock::now();
    state_.reason = std::move(reason);
    // Until the listener schedules its first probe, tell clients to wait one backoff.
    next_probe_at_ = now_() + options_.first_backoff;
}

std::chrono::milliseconds CircuitBreaker::schedule_probe() {
    std::lock_guard lock(mutex_);
    // first_backoff * 2^n, capped; then "equal jitter": somewhere in its upper half, so
    // that instances that lost the database together do not probe it in lockstep.
    const unsigned doublings = std::min(probes_scheduled_, 16u);
    ++probes_scheduled_;
    const auto ceiling =
        std::min(options_.max_backoff, options_.first_backoff * (std::int64_t{1} << doublings));
    std::uniform_int_distribution<std::int64_t> pick(ceiling.count() / 2, ceiling.count());
    const std::chrono::milliseconds delay(pick(random_));
    next_probe_at_ = now_() + delay;
    return delay;
}

CircuitBreaker::State CircuitBreaker::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

bool CircuitBreaker::is_open() const {
    std::lock_guard lock(mutex_);
    return state_.open;
}

}  // namespace gateway::db
