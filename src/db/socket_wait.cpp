#include "db/socket_wait.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gateway::db {

namespace asio = boost::asio;
using asio::experimental::make_parallel_group;
using asio::experimental::wait_for_one;
using Descriptor = asio::posix::stream_descriptor;

namespace {

// Releases rather than closes: the descriptor's owner is libpq.
struct ReleaseOnExit {
    Descriptor& descriptor;
    ~ReleaseOnExit() {
        if (descriptor.is_open()) descriptor.release();
    }
};

}  // namespace

asio::awaitable<WaitOutcome> wait_for_socket(asio::any_io_executor executor, int fd,
                                             Readiness wanted,
                                             std::chrono::steady_clock::time_point deadline) {
    if (fd < 0) co_return WaitOutcome::failed;
    Descriptor descriptor(executor);
    boost::system::error_code error;
    descriptor.assign(fd, error);
    if (error) co_return WaitOutcome::failed;
    const ReleaseOnExit release{descriptor};
    asio::steady_timer timer(executor, deadline);

    if (wanted == Readiness::readable_or_writable) {
        // libpq's advice for PQflush: the server may stop reading until we read.
        auto [order, read_error, write_error, timer_error] =
            co_await make_parallel_group(
                descriptor.async_wait(Descriptor::wait_read, asio::deferred),
                descriptor.async_wait(Descriptor::wait_write, asio::deferred),
                timer.async_wait(asio::deferred))
                .async_wait(wait_for_one(), asio::use_awaitable);
        switch (order[0]) {
            case 0:
                co_return read_error ? WaitOutcome::failed : WaitOutcome::readable;
            case 1:
                co_return write_error ? WaitOutcome::failed : WaitOutcome::writable;
            default:
                co_return timer_error ? WaitOutcome::failed : WaitOutcome::timed_out;
        }
    }

    const auto type =
        wanted == Readiness::readable ? Descriptor::wait_read : Descriptor::wait_write;
    auto [order, socket_error, timer_error] =
        co_await make_parallel_group(descriptor.async_wait(type, asio::deferred),
                                     timer.async_wait(asio::deferred))
            .async_wait(wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) {
        if (socket_error) co_return WaitOutcome::failed;
        co_return wanted == Readiness::readable ? WaitOutcome::readable : WaitOutcome::writable;
    }
    co_return timer_error ? WaitOutcome::failed : WaitOutcome::timed_out;
}

}  // namespace gateway::db
