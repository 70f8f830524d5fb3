// Counts an event that may repeat without end (a failing accept, a refused connection) and
// says which occurrences deserve a log line, so that a persistent condition leaves a trail
// that grows with the logarithm of its count instead of with time.
#pragma once

#include <bit>
#include <cstdint>
#include <utility>

namespace gateway::http {

class RepeatCounter {
  public:
    // Counts one occurrence; true for the 1st, 2nd, 4th, 8th ... up to the 1024th, then for
    // every 1024th, so a condition that lasts days still shows up now and then.
    bool add() {
        ++count_;
        return count_ <= capped_doubling ? std::has_single_bit(count_)
                                         : count_ % capped_doubling == 0;
    }

    std::uint64_t count() const { return count_; }

    // Ends a run of repeats; returns how long it was.
    std::uint64_t reset() { return std::exchange(count_, 0); }

  private:
    static constexpr std::uint64_t capped_doubling = 1024;
    std::uint64_t count_ = 0;
};

}  // namespace gateway::http
