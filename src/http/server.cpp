#include "http/server.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/errors.hpp"

namespace gateway::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// The status line, headers and body a connection over the limit gets. No Date: a 5xx
// may omit it (RFC 9110 6.6.1), and this is written without any per-request work.
std::string refusal_answer() {
    const auto body = api::error_response(503, "Too many connections").body;
    return "HTTP/1.1 503 Service Unavailable\r\nServer: gateway-api\r\n"
           "Content-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body;
}

// After a failed accept, the pause before the next try: doubling from the first to the
// last, so a persistent failure (out of descriptors) neither spins nor delays recovery
// by more than a second.
std::chrono::milliseconds accept_pause(std::uint64_t failures) {
    constexpr auto first = std::chrono::milliseconds(50);
    constexpr auto last = std::chrono::milliseconds(1000);
    const auto doublings = std::min<std::uint64_t>(failures - 1, 5);
    return std::min(last, first * (std::int64_t{1} << doublings));
}

// Past HTTP_MAX_CONNECTIONS: one write that never waits (the answer is far smaller than
// an empty socket's send buffer), then close, so a refused connection costs no memory and
// no time.
template <typename Socket>
void answer_and_close(Socket& socket, std::string_view answer) {
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    if (!answer.empty()) socket.write_some(asio::buffer(answer), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

}  // namespace

Server::Server(IoPool& pool, config::ServerSettings settings, RequestHandler handler,
               const AccessLogFactory& make_access_log, const TlsCredentials* tls)
    : pool_(pool),
      settings_(std::move(settings)),
      handler_(std::move(handler)),
      tls_(tls),
      acceptor_(pool.at(0)),
      metrics_(std::make_shared<HttpMetrics>(pool.size())),
      session_context_{settings_, handler_, stopping_,
                       [this](Session* session) { unregister_session(session); }},
      refusal_(refusal_answer()) {
    access_logs_.reserve(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) access_logs_.push_back(make_access_log());
}

Server::~Server() = default;

tcp::endpoint Server::listen() {
    const tcp::endpoint endpoint{asio::ip::make_address(settings_.host), settings_.port};
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    return acceptor_.local_endpoint();
}

void Server::flush_access_logs() {
    for (const auto& log : access_logs_) log->flush();
}

// Lines wait in a worker's buffer at most this long before they are written.
constexpr auto access_log_flush_period = std::chrono::milliseconds(200);

asio::awaitable<void> Server::flush_loop(std::size_t worker) {
    asio::steady_timer tick(pool_.at(worker));
    while (!stopping_.load()) {
        tick.expires_after(access_log_flush_period);
        co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
        access_logs_[worker]->flush();
    }
}

void Server::start() {
    for (std::size_t worker = 0; worker < pool_.size(); ++worker) {
        asio::co_spawn(pool_.at(worker), flush_loop(worker), asio::detached);
    }
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), [](const std::exception_ptr& error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            spdlog::critical("accept loop failed: {}", e.what());
        }
    });
}

asio::awaitable<void> Server::accept_loop() {
    while (!stopping_.load()) {
        const std::size_t worker = pool_.next();
        auto [ec, socket] =
            co_await acceptor_.async_accept(pool_.at(worker), asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (stopping_.load() || ec == asio::error::operation_aborted) co_return;
            // Out of descriptors, or a connection reset before accept: keep serving others,
            // but neither spin nor fill the log while the error persists.
            const bool log = accept_failures_.add();
            const auto pause = accept_pause(accept_failures_.count());
            if (log) {
                spdlog::warn("accept failed: {} ({} in a row; next try in {} ms)", ec.message(),
                             accept_failures_.count(), pause.count());
            }
            asio::steady_timer wait(acceptor_.get_executor(), pause);
            co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        if (const auto failures = accept_failures_.reset(); failures != 0) {
            spdlog::info("accepting again after {} failed attempts", failures);
        }
        if (open_sessions() >= settings_.max_connections) {
            // A TLS client could not read a plain answer; it just sees the close.
            answer_and_close(socket, tls_ != nullptr ? std::string_view() : refusal_);
            metrics_->connection_refused();
            if (refused_.add()) {
                spdlog::warn(
                    "refused a connection: {} open, the limit (HTTP_MAX_CONNECTIONS); "
                    "{} refused so far",
                    settings_.max_connections, refused_.count());
            }
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        if (tls_ != nullptr) {
            start_session<TlsStream>(std::move(socket), worker);
        } else {
            start_session<PlainStream>(std::move(socket), worker);
        }
    }
}

template <class Stream>
void Server::start_session(tcp::socket socket, std::size_t worker) {
    auto session = std::make_shared<BasicSession<Stream>>(
        session_context_, std::move(socket), tls_ != nullptr ? tls_->current() : nullptr,
        *access_logs_[worker],
        std::shared_ptr<WorkerHttpMetrics>(metrics_, &metrics_->worker(worker)));
    register_session(session);
    asio::co_spawn(session->executor(), session->run(), asio::detached);
}

void Server::begin_shutdown() {
    if (stopping_.exchange(true)) return;
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
    std::lock_guard lock(sessions_mutex_);
    for (const auto& [address, session] : sessions_) session->request_stop();
}

std::size_t Server::open_sessions() const {
    std::lock_guard lock(sessions_mutex_);
    return sessions_.size();
}

asio::awaitable<bool> Server::drain(std::chrono::steady_clock::duration limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    asio::steady_timer tick(co_await asio::this_coro::executor);
    while (open_sessions() != 0) {
        if (std::chrono::steady_clock::now() >= deadline) co_return false;
        tick.expires_after(std::chrono::milliseconds(10));
        co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return true;
}

void Server::register_session(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(session.get(), session);
    // A connection accepted while shutdown began must not keep the process alive.
    if (stopping_.load()) session->request_stop();
}

void Server::unregister_session(Session* session) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(session);
}

}  // namespace gateway::http
