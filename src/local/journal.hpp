// The write journal: changes accepted while the primary could not be reached, waiting to
// be replayed into it in the order they were accepted. The entries live in the local
// state's database (LocalState writes them); this is the process's view of them, shared
// by the requests that add entries and the replay that settles them.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/journal_entry.hpp"
#include "local/local_state.hpp"
#include "store/write_journal.hpp"

namespace gateway::local {

class Journal final : public store::WriteJournal {
  public:
    // `loaded` is what LocalState::read_journal() found: pending entries and conflicts.
    Journal(LocalState& state, std::vector<domain::JournalEntry> loaded);

    // Held by a write from its decision (against the mirror) to its append, so that the
    // journal's order is the order in which the changes were made to the mirror.
    std::mutex& order() override { return order_; }

    // Numbers the entry, gives it an id, and queues it; returns the ticket to wait for
    // before the write is acknowledged.
    std::uint64_t append(domain::JournalEntry entry) override;
    boost::asio::awaitable<bool> written(std::uint64_t ticket) override;

    // The oldest entry that still waits to be replayed.
    std::optional<domain::JournalEntry> first_pending() const;
    // The replay's verdicts on the first pending entry.
    void applied(std::int64_t seq);
    void conflicted(std::int64_t seq, std::string detail);

    std::size_t depth() const override;  // entries waiting
    std::vector<domain::JournalEntry> conflicts() const;
    std::vector<domain::JournalEntry> keyed_entries() const override;
    std::size_t conflict_count() const;

  private:
    LocalState& state_;
    std::mutex order_;
    mutable std::mutex mutex_;
    std::deque<domain::JournalEntry> pending_;
    std::vector<domain::JournalEntry> conflicts_;
    std::int64_t last_seq_ = 0;
};

}  // namespace gateway::local
