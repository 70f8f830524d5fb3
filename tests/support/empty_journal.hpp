// A write journal that stays empty, for tests of MirroredStore with the primary always
// there (FALLBACK_WRITES=reject): nothing is ever appended to it.
#pragma once

#include <stdexcept>

#include "store/write_journal.hpp"

namespace gateway::test {

class EmptyJournal final : public store::WriteJournal {
  public:
    std::mutex& order() override { return order_; }
    std::uint64_t append(domain::JournalEntry) override {
        throw std::logic_error("a write was journaled in a test that refuses them");
    }
    boost::asio::awaitable<bool> written(std::uint64_t) override { co_return true; }
    std::size_t depth() const override { return 0; }
    std::vector<domain::JournalEntry> keyed_entries() const override { return {}; }

  private:
    std::mutex order_;
};

}  // namespace gateway::test
