// The HTTP/1.1 server: accepts on one endpoint, runs each connection as a coroutine on
// one of the pool's contexts, and shuts down gracefully.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "api/request.hpp"
#include "config/settings.hpp"
#include "http/http_metrics.hpp"
#include "http/io_pool.hpp"
#include "http/repeat_counter.hpp"
#include "http/request_handler.hpp"
#include "http/session.hpp"
#include "http/tls_credentials.hpp"

namespace gateway::http {

// Makes the access log of one worker thread (called once per thread at construction).
using AccessLogFactory = std::function<std::unique_ptr<AccessLog>()>;

class Server {
  public:
    // With `tls`, which must outlive the server, every connection speaks TLS with the
    // context current when it was accepted.
    Server(IoPool& pool, config::ServerSettings settings, RequestHandler handler,
           const AccessLogFactory& make_access_log, const TlsCredentials* tls = nullptr);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws boost::system::system_error when the address is unusable.
    // Returns the bound endpoint (its port is the real one when PORT was 0).
    boost::asio::ip::tcp::endpoint listen();

    // Starts accepting connections, and each worker's periodic access-log flush; call
    // after listen().
    void start();

    // Writes out every worker's buffered access lines; only once the workers have stopped.
    void flush_access_logs();

    // Stops accepting; idle connections close now, busy ones after their response.
    // Safe to call from any thread.
    void begin_shutdown();

    // True from begin_shutdown() on. A plain read, cheap enough for every probe.
    bool draining() const { return stopping_.load(std::memory_order_relaxed); }

    // Connections still open.
    std::size_t open_sessions() const;

    // The server's part of the metrics page.
    void write_metrics(metrics::Exposition& out) const { metrics_->write(out, open_sessions()); }

    // Completes when every connection has closed or `limit` has passed; true if all closed.
    boost::asio::awaitable<bool> drain(std::chrono::steady_clock::duration limit);

  private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> flush_loop(std::size_t worker);
    template <class Stream>
    void start_session(boost::asio::ip::tcp::socket socket, std::size_t worker);
    void register_session(const std::shared_ptr<Session>& session);
    void unregister_session(Session* session);

    IoPool& pool_;
    const config::ServerSettings settings_;
    const RequestHandler handler_;
    const TlsCredentials* const tls_;  // null: plain HTTP
    boost::asio::ip::tcp::acceptor acceptor_;
    std::vector<std::unique_ptr<AccessLog>> access_logs_;  // [i] used only by worker i
    // Its worker(i) likewise. Shared with the sessions: a session abandoned at shutdown
    // is destroyed with its event loop, after the server, and still counts itself out.
    std::shared_ptr<HttpMetrics> metrics_;
    std::atomic<bool> stopping_{false};
    const SessionContext session_context_;  // views of the members above
    const std::string refusal_;             // the whole 503 answer a refused connection gets
    RepeatCounter refused_;                 // touched only by the accepting coroutine
    RepeatCounter accept_failures_;         // the same

    mutable std::mutex sessions_mutex_;
    std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;  // owns them
};

}  // namespace gateway::http
