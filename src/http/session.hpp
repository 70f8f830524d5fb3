// One client connection: reads requests in order, answers each before reading the next
// (so pipelined requests are answered in order), and closes on error, timeout,
// Connection: close, or shutdown.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace gateway::http {

class Server;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Server& server, boost::asio::ip::tcp::socket socket);

    boost::asio::awaitable<void> run();

    // The connection's strand: run() must be started on it.
    boost::beast::tcp_stream::executor_type stream_executor() { return stream_.get_executor(); }

    // From any thread: close now if idle, else after the response being worked on.
    void request_stop();

private:
    enum class Outcome { keep_open, close };

    boost::asio::awaitable<Outcome> serve_one();
    boost::asio::awaitable<void> close_gracefully();

    Server& server_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    // Touched only on this session's strand.
    bool busy_ = false;
    bool stop_requested_ = false;
};

}  // namespace gateway::http
