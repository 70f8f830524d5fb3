// One client connection: reads requests in order, answers each before reading the next
// (so pipelined requests are answered in order), and closes on error, timeout,
// Connection: close, or shutdown.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "api/request.hpp"
#include "config/settings.hpp"
#include "http/access_log.hpp"
#include "http/http_metrics.hpp"
#include "http/request_handler.hpp"
#include "http/request_id.hpp"
#include "http/request_reader.hpp"
#include "http/response_head.hpp"

namespace gateway::http {

class Session;

// What a session needs of the server that accepted it; the server outlives its sessions.
struct SessionContext {
    const config::ServerSettings& settings;
    const RequestHandler& handler;
    const std::atomic<bool>& stopping;       // shutdown has begun
    std::function<void(Session*)> released;  // called once, as the session ends
};

// Everything a session does runs on its socket's io_context, which one thread runs;
// that is what makes its members safe without locks.
class Session : public std::enable_shared_from_this<Session> {
  public:
    // `access_log` and `metrics` belong to the worker thread that runs `socket`'s context.
    Session(const SessionContext& context, boost::asio::ip::tcp::socket socket,
            AccessLog& access_log, std::shared_ptr<WorkerHttpMetrics> metrics);

    boost::asio::ip::tcp::socket::executor_type executor() { return socket_.get_executor(); }

    boost::asio::awaitable<void> run();

    // From any thread: close now unless a request's header has arrived, else after the
    // response to it.
    void request_stop();

  private:
    enum class Outcome { keep_open, close };
    using Clock = std::chrono::steady_clock;

    boost::asio::awaitable<Outcome> serve_one();
    // Reads until the header (or, with `whole`, the whole request) is in. `arrived`: a
    // first byte of the request came, and the read timeout runs.
    boost::asio::awaitable<boost::beast::error_code> read_request(RequestReader& reader, bool whole,
                                                                  bool& arrived);
    boost::asio::awaitable<void> close_gracefully();
    // Writes the head and, unless `with_body` is false (HEAD), the body in one gather
    // write; false if the connection failed. Adds `request_id` as X-Request-ID.
    boost::asio::awaitable<bool> write_response(api::Response& response,
                                                const std::string& request_id, unsigned version,
                                                bool keep_alive, bool with_body = true);
    // The access line of an answered request, a warning when it was a 5xx, and its count.
    void log_answer(const AccessRecord& record, const api::Response& answer);

    // A once-a-second watchdog enforces the deadline, so moving it on every read and
    // write is a plain store rather than a timer-queue operation.
    void set_deadline(Clock::duration from_now) { deadline_ = Clock::now() + from_now; }
    void clear_deadline() { deadline_ = Clock::time_point::max(); }
    void arm_watchdog();
    void close_socket();

    const SessionContext& context_;
    AccessLog& access_log_;
    const std::shared_ptr<WorkerHttpMetrics> metrics_;
    RequestIdSource request_ids_;
    std::string remote_addr_;  // the client's address, for the access log
    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer watchdog_;
    Clock::time_point deadline_ = Clock::time_point::max();
    boost::beast::flat_buffer buffer_;  // bounded: see the constructor
    std::string head_;                  // reused for every response's status line and headers
    DateCache dates_;
    bool busy_ = false;  // from a request's complete header until its response is written
    bool stop_requested_ = false;
    bool closed_ = false;
};

}  // namespace gateway::http
