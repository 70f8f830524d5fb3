// Where MirroredStore puts the writes it accepts while the primary cannot be reached
// (FALLBACK_WRITES=journal): the durable local journal (local/journal.hpp) implements it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "domain/journal_entry.hpp"

namespace gateway::store {

class WriteJournal {
  public:
    // Held from a write's change to the mirror to its append: the journal's order is
    // the order of the changes.
    virtual std::mutex& order() = 0;
    // Queues the entry (numbering it); returns the ticket to wait for.
    virtual std::uint64_t append(domain::JournalEntry entry) = 0;
    // True once everything up to `ticket` is on disk; false when writing failed.
    virtual boost::asio::awaitable<bool> written(std::uint64_t ticket) = 0;
    // Entries that wait to be replayed.
    virtual std::size_t depth() const = 0;
    // The entries, pending or conflicting, that came with an Idempotency-Key: their
    // answers stand for retries with that key.
    virtual std::vector<domain::JournalEntry> keyed_entries() const = 0;

  protected:
    ~WriteJournal() = default;
};

}  // namespace gateway::store
