// One client connection: reads requests in order, answers each before reading the next
// (so pipelined requests are answered in order), and closes on error, timeout,
// Connection: close, or shutdown. The same code serves plain TCP and TLS connections: it
// is a template over the stream, instantiated for both in session.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
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

// A connection as the server holds it, whatever it is carried over.
class Session {
  public:
    virtual ~Session() = default;
    // From any thread: close now unless a request's header has arrived, else after the
    // response to it.
    virtual void request_stop() = 0;
};

using PlainStream = boost::asio::ip::tcp::socket;
using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

// Everything a session does runs on its socket's io_context, which one thread runs;
// that is what makes its members safe without locks.
template <class Stream>
class BasicSession final : public Session,
                           public std::enable_shared_from_this<BasicSession<Stream>> {
  public:
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

    // `access_log` and `metrics` belong to the worker thread that runs `socket`'s context.
    // `tls_context` is what a TLS session handshakes with (null for a plain one); the
    // session keeps it, so that a reload on SIGHUP never pulls it from under it.
    BasicSession(const SessionContext& context, boost::asio::ip::tcp::socket socket,
                 std::shared_ptr<boost::asio::ssl::context> tls_context, AccessLog& access_log,
                 std::shared_ptr<WorkerHttpMetrics> metrics);

    boost::asio::any_io_executor executor() { return stream_.get_executor(); }

    boost::asio::awaitable<void> run();

    void request_stop() override;

  private:
    enum class Outcome { keep_open, close };
    using Clock = std::chrono::steady_clock;

    boost::asio::ip::tcp::socket& socket();
    // TLS only: false when the client did not complete a handshake in time.
    boost::asio::awaitable<bool> handshake();
    boost::asio::awaitable<Outcome> serve_one();
    // Reads until the header (or, with `whole`, the whole request) is in. `arrived`: a
    // first byte of the request came, and the read timeout runs.
    boost::asio::awaitable<boost::beast::error_code> read_request(RequestReader& reader, bool whole,
                                                                  bool& arrived);
    // After a refusal: lets the client read the answer rather than a reset.
    boost::asio::awaitable<void> close_gracefully();
    // TLS: tells the client the connection ends (close_notify), within the linger limit.
    boost::asio::awaitable<void> say_goodbye();
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
    // Declared before the stream, which must go first.
    const std::shared_ptr<boost::asio::ssl::context> tls_context_;
    Stream stream_;
    boost::asio::steady_timer watchdog_;
    Clock::time_point deadline_ = Clock::time_point::max();
    boost::beast::flat_buffer buffer_;  // bounded: see the constructor
    std::string head_;                  // reused for every response's status line and headers
    DateCache dates_;
    bool busy_ = false;  // from a request's complete header until its response is written
    bool stop_requested_ = false;
    bool closed_ = false;
};

extern template class BasicSession<PlainStream>;
extern template class BasicSession<TlsStream>;

}  // namespace gateway::http
