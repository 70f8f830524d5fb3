#include "local/journal.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>

#include "domain/ids.hpp"

namespace gateway::local {

Journal::Journal(LocalState& state, std::vector<domain::JournalEntry> loaded) : state_(state) {
    for (auto& entry : loaded) {
        last_seq_ = std::max(last_seq_, entry.seq);
        if (entry.conflict.empty()) {
            pending_.push_back(std::move(entry));
        } else {
            conflicts_.push_back(std::move(entry));
        }
    }
}

std::uint64_t Journal::append(domain::JournalEntry entry) {
    std::lock_guard lock(mutex_);
    entry.seq = ++last_seq_;
    // The entry's identity in PostgreSQL (journal_applied); any unique value would do,
    // and the id generator already gives random UUIDs.
    entry.entry_id = domain::new_api_id();
    pending_.push_back(entry);
    return state_.append_journal(std::move(entry));
}

boost::asio::awaitable<bool> Journal::written(std::uint64_t ticket) {
    co_return co_await state_.async_wait_written(ticket, boost::asio::use_awaitable);
}

std::optional<domain::JournalEntry> Journal::first_pending() const {
    std::lock_guard lock(mutex_);
    if (pending_.empty()) return std::nullopt;
    return pending_.front();
}

void Journal::applied(std::int64_t seq) {
    std::lock_guard lock(mutex_);
    if (pending_.empty() || pending_.front().seq != seq) return;
    pending_.pop_front();
    state_.journal_applied(seq);
}

void Journal::conflicted(std::int64_t seq, std::string detail) {
    std::lock_guard lock(mutex_);
    if (pending_.empty() || pending_.front().seq != seq) return;
    auto entry = std::move(pending_.front());
    pending_.pop_front();
    spdlog::error(
        "journal: entry {} ({} of API {}) conflicts with the primary and was not "
        "applied: {}; it is kept, see GET /journal/conflicts",
        seq, domain::journal_op_name(entry.op), entry.api_id, detail);
    entry.conflict = detail;
    conflicts_.push_back(std::move(entry));
    state_.journal_conflict(seq, std::move(detail));
}

std::size_t Journal::depth() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

std::vector<domain::JournalEntry> Journal::conflicts() const {
    std::lock_guard lock(mutex_);
    return conflicts_;
}

std::vector<domain::JournalEntry> Journal::keyed_entries() const {
    std::lock_guard lock(mutex_);
    std::vector<domain::JournalEntry> keyed;
    for (const auto& entry : pending_) {
        if (entry.idempotency) keyed.push_back(entry);
    }
    for (const auto& entry : conflicts_) {
        if (entry.idempotency) keyed.push_back(entry);
    }
    return keyed;
}

std::size_t Journal::conflict_count() const {
    std::lock_guard lock(mutex_);
    return conflicts_.size();
}

}  // namespace gateway::local
