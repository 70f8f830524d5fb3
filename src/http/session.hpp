// One client connection: reads requests in order, answers each before reading the next
// (so pipelined requests are answered in order), and closes on error, timeout,
// Connection: close, or shutdown.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "api/request.hpp"
#include "http/response_head.hpp"

namespace gateway::http {

class Server;

// Everything a session does runs on its socket's io_context, which one thread runs;
// that is what makes its members safe without locks.
class Session : public std::enable_shared_from_this<Session> {
  public:
    // `access_log` belongs to the worker thread that runs `socket`'s context.
    Session(Server& server, boost::asio::ip::tcp::socket socket, spdlog::logger& access_log);

    boost::asio::ip::tcp::socket::executor_type executor() { return socket_.get_executor(); }

    boost::asio::awaitable<void> run();

    // From any thread: close now if idle, else after the response being worked on.
    void request_stop();

  private:
    enum class Outcome { keep_open, close };
    using Clock = std::chrono::steady_clock;

    boost::asio::awaitable<Outcome> serve_one();
    boost::asio::awaitable<void> close_gracefully();
    // Writes head and body in one gather write; false if the connection failed.
    boost::asio::awaitable<bool> write_response(const api::Response& response, unsigned version,
                                                bool keep_alive);

    // A once-a-second watchdog enforces the deadline, so moving it on every read and
    // write is a plain store rather than a timer-queue operation.
    void set_deadline(Clock::duration from_now) { deadline_ = Clock::now() + from_now; }
    void clear_deadline() { deadline_ = Clock::time_point::max(); }
    void arm_watchdog();
    void close_socket();

    Server& server_;
    spdlog::logger& access_log_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer watchdog_;
    Clock::time_point deadline_ = Clock::time_point::max();
    boost::beast::flat_buffer buffer_;
    std::string head_;  // reused for every response's status line and headers
    DateCache dates_;
    bool busy_ = false;
    bool stop_requested_ = false;
    bool closed_ = false;
};

}  // namespace gateway::http
