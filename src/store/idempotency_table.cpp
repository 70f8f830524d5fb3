#include "store/idempotency_table.hpp"

namespace gateway::store {

void IdempotencyTable::forget_expired(Clock::time_point now) {
    while (!by_age_.empty() && (by_age_.front().first <= now || by_age_.size() > kMaxKeys)) {
        auto& [expires, key] = by_age_.front();
        const auto it = entries_.find(key);
        // A key released and claimed again has a later entry of its own in the queue.
        if (it != entries_.end() && it->second.expires == expires) entries_.erase(it);
        by_age_.pop_front();
    }
}

IdempotencyTable::Claim IdempotencyTable::claim(const IdempotencyKey& key) {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    forget_expired(now);
    const auto [it, inserted] =
        entries_.try_emplace(key.key, Entry{key.fingerprint, std::nullopt, now + lifetime_});
    if (inserted) {
        by_age_.emplace_back(it->second.expires, key.key);
        return {Claim::Kind::claimed, {}};
    }
    const Entry& entry = it->second;
    if (entry.fingerprint != key.fingerprint) return {Claim::Kind::reused, {}};
    if (!entry.outcome) return {Claim::Kind::in_progress, {}};
    return {Claim::Kind::replay, *entry.outcome};
}

std::optional<IdempotencyTable::Claim> IdempotencyTable::lookup(const IdempotencyKey& key) {
    std::lock_guard lock(mutex_);
    forget_expired(Clock::now());
    const auto it = entries_.find(key.key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.fingerprint != key.fingerprint) return Claim{Claim::Kind::reused, {}};
    if (!it->second.outcome) return Claim{Claim::Kind::in_progress, {}};
    return Claim{Claim::Kind::replay, *it->second.outcome};
}

void IdempotencyTable::complete(const std::string& key, RecordedOutcome outcome) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it != entries_.end()) it->second.outcome = std::move(outcome);
}

void IdempotencyTable::restore(const IdempotencyKey& key, RecordedOutcome outcome,
                               Clock::duration age) {
    if (age >= lifetime_) return;
    std::lock_guard lock(mutex_);
    const auto expires = Clock::now() + (lifetime_ - age);
    const auto [it, inserted] =
        entries_.try_emplace(key.key, Entry{key.fingerprint, std::move(outcome), expires});
    if (inserted) by_age_.emplace_back(expires, key.key);
}

void IdempotencyTable::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
}

StoreResult<KeyedOutcome> IdempotencyTable::answer(const Claim& claim) {
    switch (claim.kind) {
        case Claim::Kind::replay:
            return KeyedOutcome{claim.outcome, true};
        case Claim::Kind::reused:
            return domain::unexpected(key_reused_error());
        case Claim::Kind::in_progress:
        case Claim::Kind::claimed:
            break;
    }
    return domain::unexpected(key_in_progress_error());
}

boost::asio::awaitable<StoreResult<KeyedOutcome>> IdempotencyTable::run_once(IdempotencyKey key,
                                                                             Run run) {
    const Claim claim = this->claim(key);
    if (claim.kind != Claim::Kind::claimed) co_return answer(claim);
    auto outcome = co_await run();
    if (!outcome) {
        release(key.key);
        co_return domain::unexpected(std::move(outcome).error());
    }
    complete(key.key, *outcome);
    co_return KeyedOutcome{std::move(outcome).value(), false};
}

}  // namespace gateway::store
