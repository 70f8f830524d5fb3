// Database addresses that fail in the two ways a network can fail: at once (nothing
// listens, the connection is refused) and silently (a listener that accepts the TCP
// handshake and then never says a word), which only a timeout can end.
#pragma once

#include <cstdint>

namespace gateway::test {

// A port on 127.0.0.1 where nothing listened a moment ago. Another process could take it
// meanwhile; on a test machine that is rare enough to accept.
std::uint16_t closed_port();

// A listening socket on 127.0.0.1 that never accepts: the kernel completes connections
// into its backlog, so a client connects and then waits forever for an answer.
class SilentListener {
  public:
    SilentListener();
    ~SilentListener();
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

    std::uint16_t port() const { return port_; }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace gateway::test
