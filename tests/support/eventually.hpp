// Waiting on what a server or store shows, never on the clock alone.
#pragma once

#include <chrono>
#include <thread>

namespace gateway::test {

// Polls `condition` (a request, say) every `poll` until it holds (true) or `bound`
// passes (false).
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds bound,
                std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
    const auto give_up = std::chrono::steady_clock::now() + bound;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(poll);
    }
}

}  // namespace gateway::test
