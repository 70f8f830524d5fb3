// Waits until libpq's socket is ready, bounded by a deadline.
//
// The socket belongs to libpq, which may close it or open a new one inside any call
// (PQconnectPoll while it tries TLS or another host; PQconsumeInput when the server
// hangs up). So the descriptor is registered with the reactor only for the length of
// one wait and released — never closed — before control returns to libpq. An idle
// connection therefore holds no reactor state, may be destroyed on any thread, and may
// be used next from any executor.
#pragma once

#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace gateway::db {

enum class Readiness { readable, writable, readable_or_writable };

enum class WaitOutcome {
    readable,
    writable,
    timed_out,
    failed,  // no socket, the reactor refused it, or the wait was cancelled
};

boost::asio::awaitable<WaitOutcome> wait_for_socket(boost::asio::any_io_executor executor, int fd,
                                                    Readiness wanted,
                                                    std::chrono::steady_clock::time_point deadline);

}  // namespace gateway::db
