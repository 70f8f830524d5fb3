// Stands in front of the primary database. After `threshold` consecutive failures to
// reach it (connects refused or timing out, statements timing out, connections lost) it
// opens: writes are refused at once with a Retry-After instead of each waiting on a
// database known to be gone. While open, the feed listener's reconnects are its probes,
// spaced by capped exponential backoff with jitter; the first that succeeds closes it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace gateway::db {

class CircuitBreaker {
  public:
    using Clock = std::chrono::steady_clock;

    struct Options {
        unsigned threshold = 3;
        std::chrono::milliseconds first_backoff{250};
        // Caps the wait between probes, and so how long after the database returns the
        // breaker may still be open.
        std::chrono::milliseconds max_backoff{2000};
    };

    struct State {
        bool open = false;
        unsigned consecutive_failures = 0;
        std::uint64_t times_opened = 0;
        std::chrono::system_clock::time_point opened_at;  // when open
        std::string reason;                               // the last failure, when open
    };

    explicit CircuitBreaker(Options options, std::function<Clock::time_point()> now = Clock::now);

    // nullopt when a request may go to the primary; otherwise how long a client should
    // wait before trying again (until the next probe, at least one second).
    std::optional<std::chrono::seconds> refusal() const;

    void record_success();
    // `reason` is safe to show a client (plain words, no host or secret).
    void record_failure(std::string reason);

    // How long to wait before the next probe: grows with each call while the database
    // stays away, and is remembered for refusal(). record_success() starts it over.
    std::chrono::milliseconds schedule_probe();

    State state() const;
    bool is_open() const;

  private:
    void open_locked(std::string reason);

    const Options options_;
    const std::function<Clock::time_point()> now_;
    mutable std::mutex mutex_;
    State state_;
    unsigned probes_scheduled_ = 0;
    Clock::time_point next_probe_at_{};
    std::minstd_rand random_;
    // Set while failures are counted or the breaker is open: the common success on a
    // healthy database costs one atomic load, not a lock every worker contends on.
    std::atomic<bool> troubled_{false};
};

}  // namespace gateway::db
