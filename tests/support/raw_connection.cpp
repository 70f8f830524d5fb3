#include "support/raw_connection.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <stdexcept>
#include <string>

namespace gateway::test {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

// Far above anything the contract returns; only there so a runaway body cannot exhaust memory.
constexpr std::uint64_t kMaxResponseBody = std::uint64_t{64} * 1024 * 1024;

using ResponseParser = http::response_parser<http::string_body>;

// Runs one asynchronous operation to completion. The stream's expiry bounds it: when the
// timer fires the stream is closed and the operation ends with beast::error::timeout.
template <typename Initiate>
error_code run_one(asio::io_context& io, Initiate&& initiate) {
    error_code result = asio::error::would_block;
    initiate([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
}

bool is_hang_up(error_code ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

[[noreturn]] void fail(const std::string& what, error_code ec) {
    throw std::runtime_error(what + ": " + ec.message());
}

// A parser that accepts the large bodies a test may provoke.
struct LargeBodyParser : ResponseParser {
    LargeBodyParser() { body_limit(kMaxResponseBody); }
};

Response to_response(const http::response<http::string_body>& message) {
    Response response;
    response.status = message.result_int();
    for (const auto& field : message) {
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = message.body();
    response.keep_alive = message.keep_alive();
    return response;
}

}  // namespace

RawConnection::RawConnection(std::uint16_t port, std::chrono::milliseconds timeout)
    : stream_(io_), timeout_(timeout) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
    stream_.expires_after(timeout_);
    const error_code ec =
        run_one(io_, [&](auto handler) { stream_.async_connect(endpoint, std::move(handler)); });
    if (ec) fail("connecting to 127.0.0.1:" + std::to_string(port), ec);
}

void RawConnection::write(std::string_view bytes) {
    stream_.expires_after(timeout_);
    const error_code ec = run_one(io_, [&](auto handler) {
        asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()), std::move(handler));
    });
    if (ec) fail("writing a request", ec);
}

Response RawConnection::read_response() {
    auto response = read_response_or_close();
    if (!response) throw std::runtime_error("the server closed the connection without a response");
    return std::move(*response);
}

std::optional<Response> RawConnection::read_response_or_close() {
    LargeBodyParser parser;
    stream_.expires_after(timeout_);
    const error_code ec = run_one(
        io_, [&](auto handler) { http::async_read(stream_, buffer_, parser, std::move(handler)); });
    if (!ec) return to_response(parser.get());
    if (is_hang_up(ec) && !parser.got_some()) {
        close();
        return std::nullopt;
    }
    fail("reading a response", ec);
}

Response RawConnection::read_head_response() {
    LargeBodyParser parser;
    parser.skip(true);  // the Content-Length is GET's; no body follows
    stream_.expires_after(timeout_);
    const error_code ec = run_one(
        io_, [&](auto handler) { http::async_read(stream_, buffer_, parser, std::move(handler)); });
    if (ec) fail("reading the response to HEAD", ec);
    return to_response(parser.get());
}

Response RawConnection::exchange(std::string_view bytes) {
    LargeBodyParser parser;
    bool written = false;
    error_code write_error = asio::error::would_block;
    error_code read_error = asio::error::would_block;
    stream_.expires_after(timeout_);
    asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                      [&](error_code ec, std::size_t) {
                          written = true;
                          write_error = ec;
                      });
    http::async_read(stream_, buffer_, parser, [&](error_code ec, std::size_t) {
        read_error = ec;
        // An early answer (or a hang-up) means the rest of the request will never be read.
        if (!written) stream_.cancel();
    });
    io_.restart();
    io_.run();

    if (read_error) {
        std::string what = "reading the response";
        if (write_error) what += " (writing the request had failed: " + write_error.message() + ")";
        fail(what, read_error);
    }
    Response response = to_response(parser.get());
    if (write_error) close();
    return response;
}

bool RawConnection::wait_for_close(std::chrono::milliseconds timeout) {
    if (!is_open()) return true;
    stream_.expires_after(timeout);
    std::array<char, 4096> scratch{};
    for (;;) {
        const error_code ec = run_one(io_, [&](auto handler) {
            stream_.async_read_some(asio::buffer(scratch), std::move(handler));
        });
        if (!ec) continue;
        if (ec == beast::error::timeout) return false;
        close();
        return true;
    }
}

bool RawConnection::peer_closed_within(std::chrono::milliseconds timeout) {
    if (!is_open()) return true;
    pollfd watched{stream_.socket().native_handle(), POLLIN | POLLRDHUP, 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) return false;
    if ((watched.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
    // Readable: an answer (a 408, say) may come before the close; only a read of 0 bytes
    // means the peer has gone.
    char next = 0;
    return ::recv(watched.fd, &next, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

void RawConnection::shutdown_send() {
    error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void RawConnection::close() {
    error_code ignored;
    stream_.socket().close(ignored);
}

bool RawConnection::is_open() const {
    return stream_.socket().is_open();
}

}  // namespace gateway::test
