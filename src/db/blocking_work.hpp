// Running a blocking call (an HTTPS request to AWS) on an executor made for blocking work
// and awaiting its result from an event loop, which stays free meanwhile.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gateway::db {

template <class Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> run_blocking(
    boost::asio::any_io_executor blocking, Work work) {
    using Result = std::invoke_result_t<Work&>;
    // co_spawn hands a default-constructed value to the handler when the work throws,
    // so the result travels in an optional; an exception is rethrown here.
    auto result = co_await boost::asio::co_spawn(
        blocking,
        [work = std::move(work)]() mutable -> boost::asio::awaitable<std::optional<Result>> {
            co_return work();
        },
        boost::asio::use_awaitable);
    co_return std::move(*result);
}

}  // namespace gateway::db
