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

namespace gateway::sources {

// Awaiting the result gives std::optional<R>, always engaged: co_spawn hands a
// default-constructed value to the handler when the work throws (the exception is
// rethrown at the co_await), so R itself need not be default-constructible.
//
// Callers name `work` before the co_await: g++ 12 destroys a capturing lambda that is
// a temporary inside a co_await expression twice.
template <class Work>
auto run_blocking(const boost::asio::any_io_executor& blocking, Work&& work) {
    using Result = std::invoke_result_t<std::decay_t<Work>&>;
    return boost::asio::co_spawn(
        blocking,
        [work = std::forward<Work>(work)]() mutable
        -> boost::asio::awaitable<std::optional<Result>> { co_return work(); },
        boost::asio::use_awaitable);
}

}  // namespace gateway::sources
