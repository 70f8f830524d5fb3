// The keys of one process: memory mode's record of them, and the mirror's for writes it
// journals while the primary cannot be reached.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "store/idempotency.hpp"

namespace gateway::store {

class IdempotencyTable {
  public:
    using Clock = std::chrono::steady_clock;
    // Beyond this many keys the oldest are forgotten first, so that a flood of new keys
    // cannot take the process's memory.
    static constexpr std::size_t kMaxKeys = 100'000;

    explicit IdempotencyTable(Clock::duration lifetime = kIdempotencyKeyLifetime)
        : lifetime_(lifetime) {}

    struct Claim {
        enum class Kind { claimed, replay, reused, in_progress };
        Kind kind = Kind::claimed;
        RecordedOutcome outcome;  // replay
    };
    // Takes `key` for a request about to run, or says why it may not run.
    Claim claim(const IdempotencyKey& key);
    // What claim() would say of a key held here; nullopt when it is not.
    std::optional<Claim> lookup(const IdempotencyKey& key);
    // The claimed request succeeded: its answer is kept for retries.
    void complete(const std::string& key, RecordedOutcome outcome);
    // The claimed request failed and changed nothing: a retry runs again.
    void release(const std::string& key);
    // A key answered before this process started (a journaled write), `age` ago.
    void restore(const IdempotencyKey& key, RecordedOutcome outcome, Clock::duration age);

    // The answer for a key found held (replay, reused, in_progress).
    static StoreResult<KeyedOutcome> answer(const Claim& claim);

    using Run = std::function<boost::asio::awaitable<StoreResult<RecordedOutcome>>()>;
    // Claims `key`, runs `run` when claimed, and keeps or releases the key by its result.
    boost::asio::awaitable<StoreResult<KeyedOutcome>> run_once(IdempotencyKey key, Run run);

  private:
    struct Entry {
        std::string fingerprint;
        std::optional<RecordedOutcome> outcome;  // none while the request runs
        Clock::time_point expires;
    };
    void forget_expired(Clock::time_point now);

    const Clock::duration lifetime_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::deque<std::pair<Clock::time_point, std::string>> by_age_;  // oldest first
};

}  // namespace gateway::store
