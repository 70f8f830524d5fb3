// Runs a repository coroutine to completion on a private io_context, so contract tests
// read like plain calls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace gateway::testing {

template <class T>
T run_sync(boost::asio::io_context& io, boost::asio::awaitable<T> operation) {
    auto future = boost::asio::co_spawn(io, std::move(operation), boost::asio::use_future);
    io.restart();
    io.run();
    return future.get();
}

}  // namespace gateway::testing
