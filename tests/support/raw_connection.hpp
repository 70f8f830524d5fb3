// One TCP connection to the server on 127.0.0.1, for sending exactly the bytes a test
// chooses (pipelined, malformed, or cut short) and reading back what the server answers.
// Every operation is bounded by a timeout, so a server that stops answering fails the
// test instead of hanging it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "support/http_response.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

class RawConnection {
  public:
    // Connects at once; throws std::runtime_error when it cannot.
    explicit RawConnection(std::uint16_t port, std::chrono::milliseconds timeout = kIoTimeout);
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Writes all of `bytes`; throws on error or timeout.
    void write(std::string_view bytes);

    // Reads the next response; throws on error, timeout, or the peer closing first.
    Response read_response();

    // Reads the response to a HEAD request: its headers describe a body that is not sent
    // (RFC 9110 9.3.2). Throws as read_response() does.
    Response read_head_response();

    // As read_response(), but nullopt when the peer closes (or resets) the connection
    // before a response starts, for requests a server may answer by hanging up.
    std::optional<Response> read_response_or_close();

    // Writes `bytes` while already reading the response, so that an answer the server
    // gives before reading the whole request (413 for a large body) is received even if
    // the server then stops reading. If the answer comes first, the rest of the request is
    // abandoned and the connection closed, since it can no longer carry another request.
    Response exchange(std::string_view bytes);

    // True if the peer closes the connection within `timeout`; anything it sends
    // meanwhile is discarded.
    bool wait_for_close(std::chrono::milliseconds timeout);

    // True if the peer has closed the connection or closes it within `timeout`. Unlike
    // wait_for_close(), it consumes nothing and leaves the connection open on a timeout,
    // so a test can go on writing to it.
    bool peer_closed_within(std::chrono::milliseconds timeout);

    // Half-closes: the server sees the end of the request stream, reading still works.
    void shutdown_send();

    void close();
    bool is_open() const;

  private:
    boost::asio::io_context io_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;  // bytes read past one response belong to the next
    std::chrono::milliseconds timeout_;
};

}  // namespace gateway::test
