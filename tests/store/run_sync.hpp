// Runs a repository coroutine to completion on a private io_context, so contract tests
// read like plain calls.
#pragma once

#include <exception>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace gateway::testing {

namespace detail {
template <class T>
boost::asio::awaitable<void> store_result(boost::asio::awaitable<T> operation,
                                          std::optional<T>& result) {
    result.emplace(co_await std::move(operation));
}
}  // namespace detail

template <class T>
T run_sync(boost::asio::io_context& io, boost::asio::awaitable<T> operation) {
    std::optional<T> result;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, detail::store_result(std::move(operation), result),
                          [&failure](std::exception_ptr error) { failure = error; });
    io.restart();
    io.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
}

}  // namespace gateway::testing
