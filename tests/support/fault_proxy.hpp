// A TCP proxy inside the test process that stands between a client and a server (the test
// PostgreSQL) and, on request, fails the way networks fail: it loses packets, resets
// connections, or is slow. Stopping or freezing the server shows what happens when the
// database goes away; this shows what happens when the path to it does, with the server
// itself untouched and still serving every other client.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace gateway::test {

class FaultProxy {
  public:
    enum class Mode {
        pass,   // forward both ways as soon as bytes arrive
        drop,   // deliver nothing and close nothing; hold what arrives for later
        reset,  // reset every connection, existing and new
        delay,  // forward each chunk a fixed time after it arrived, in order
    };

    // Listens on 127.0.0.1 at once, on a port the kernel picks, and keeps that socket
    // until destruction: the port cannot pass to another process while a test still
    // points clients at it. Forwards to target_host (a numeric address) and target_port.
    // Starts in pass mode. Throws boost::system::system_error when it cannot listen.
    FaultProxy(const std::string& target_host, std::uint16_t target_port);
    // Closes every connection and the listening socket, and joins the proxy's thread.
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    std::uint16_t port() const { return port_; }

    // Each switch returns once the proxy's thread has acted on it, so the test can rely
    // on the new behaviour from its very next step (after reset(), every connection that
    // existed has been reset; after drop(), no further byte is delivered). Call them from
    // any thread but the proxy's own.

    // Forwards again; whatever was held in drop mode is delivered first, in order, and
    // connections accepted in drop mode now connect to the target.
    void pass();
    // Lost packets: nothing is delivered in either direction, on existing and new
    // connections alike, and nothing is closed. What arrives is held (as a sender's TCP
    // would keep retransmitting it) until pass() or delay().
    void drop();
    // Resets every connection on both sides (RST, not FIN) and each new one at accept.
    void reset();
    // Forwards each chunk `per_chunk` after it arrived, keeping the order.
    void delay(std::chrono::milliseconds per_chunk);

    Mode mode() const;

    // Client connections accepted since construction, in every mode.
    std::uint64_t connections_accepted() const;
    // Bytes delivered, both directions together.
    std::uint64_t bytes_forwarded() const;
    // Bytes read from one side and not yet delivered to the other: held in drop mode,
    // waiting out a delay, or being written.
    std::uint64_t bytes_held() const;

  private:
    class Engine;
    std::unique_ptr<Engine> engine_;
    std::uint16_t port_ = 0;
};

}  // namespace gateway::test
