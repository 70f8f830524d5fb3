#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gateway::http {

namespace asio = boost::asio;
using asio::ip::tcp;

Server::Server(IoPool& pool, config::ServerSettings settings, RequestHandler handler,
               const AccessLoggerFactory& make_access_logger)
    : pool_(pool),
      settings_(std::move(settings)),
      handler_(std::move(handler)),
      acceptor_(pool.at(0)),
      session_context_{settings_, handler_, stopping_,
                       [this](Session* session) { unregister_session(session); }} {
    access_logs_.reserve(pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i) access_logs_.push_back(make_access_logger());
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
            // Out of descriptors or a connection reset before accept: keep serving others,
            // but do not spin on a persistent error.
            spdlog::warn("accept failed: {}", ec.message());
            asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto session =
            std::make_shared<Session>(session_context_, std::move(socket), *access_logs_[worker]);
        register_session(session);
        asio::co_spawn(session->executor(), session->run(), asio::detached);
    }
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
