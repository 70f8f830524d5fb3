#include "http/session.hpp"

#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include "api/errors.hpp"
#include "http/access_log.hpp"
#include "http/response_head.hpp"
#include "http/server.hpp"

namespace gateway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// After answering a request whose body we refused, the client may still be sending it.
// Reading and discarding for a short while lets it see our answer instead of a reset.
constexpr auto linger_limit = std::chrono::seconds(2);
constexpr std::size_t linger_bytes = std::size_t{4} * 1024 * 1024;

// Timeouts are whole seconds, so checking them once a second is precise enough.
constexpr auto watchdog_period = std::chrono::seconds(1);

// The parser rejected what the client sent, as opposed to the connection ending.
bool is_malformed_request(const beast::error_code& ec) {
    static const auto& parser_errors = beast::error_code(bhttp::error::bad_method).category();
    return ec && ec.category() == parser_errors && ec != bhttp::error::end_of_stream &&
           ec != bhttp::error::partial_message;
}

api::Request to_api_request(const bhttp::request<bhttp::string_body>& message) {
    api::Request request;
    request.method = message.method_string();
    request.target = message.target();
    request.content_type = message[bhttp::field::content_type];
    if (auto it = message.find(bhttp::field::if_match); it != message.end()) {
        request.if_match = it->value();
    }
    request.body = message.body();
    return request;
}

}  // namespace

Session::Session(Server& server, asio::ip::tcp::socket socket, spdlog::logger& access_log)
    : server_(server),
      access_log_(access_log),
      socket_(std::move(socket)),
      watchdog_(socket_.get_executor()) {}

void Session::request_stop() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
        self->stop_requested_ = true;
        // Idle with nothing received: nobody is waiting for an answer, close now.
        if (!self->busy_ && self->buffer_.size() == 0) self->close_socket();
    });
}

void Session::close_socket() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);  // fails whatever read or write is pending
    watchdog_.cancel();
}

void Session::arm_watchdog() {
    watchdog_.expires_after(watchdog_period);
    watchdog_.async_wait([weak = weak_from_this()](const beast::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->closed_) return;
        if (Clock::now() >= self->deadline_) {
            self->close_socket();  // the client was too slow or idle too long
        } else {
            self->arm_watchdog();
        }
    });
}

asio::awaitable<void> Session::run() {
    auto self = shared_from_this();
    set_deadline(server_.settings_.idle_timeout);
    arm_watchdog();
    // Also bounds any unexpected exception to this connection.
    try {
        while (!stop_requested_) {
            if (co_await serve_one() == Outcome::close) break;
        }
    } catch (const std::exception& error) {
        spdlog::error("connection failed: {}", error.what());
    }
    close_socket();
    server_.unregister_session(this);
}

asio::awaitable<Session::Outcome> Session::serve_one() {
    const auto& settings = server_.settings_;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.header_limit));
    parser.body_limit(settings.body_limit);

    // Between requests the connection may idle; once a request starts it must arrive
    // within the read timeout.
    set_deadline(buffer_.size() == 0 ? settings.idle_timeout : settings.read_timeout);
    auto [header_ec, header_bytes] =
        co_await bhttp::async_read_header(socket_, buffer_, parser, use_tuple);
    const auto started = std::chrono::steady_clock::now();
    busy_ = true;
    std::optional<api::Response> refusal;
    if (header_ec) {
        if (header_ec == bhttp::error::body_limit) {
            refusal = api::error_response(413, "Request body too large (limit is 1 MiB)");
        } else if (header_ec == bhttp::error::header_limit) {
            refusal = api::error_response(431, "Request header fields too large");
        } else if (is_malformed_request(header_ec)) {
            refusal = api::error_response(400, "Malformed HTTP request");
        } else {
            co_return Outcome::close;  // end of stream, timeout, reset, shutdown
        }
    } else {
        if (auto expect = parser.get().find(bhttp::field::expect);
            expect != parser.get().end() && beast::iequals(expect->value(), "100-continue")) {
            // The client waits for this before sending a body we have agreed to take.
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            co_await bhttp::async_write(socket_, go_on, use_tuple);
        }
        set_deadline(settings.read_timeout);
        auto [body_ec, body_bytes] =
            co_await bhttp::async_read(socket_, buffer_, parser, use_tuple);
        if (body_ec == bhttp::error::body_limit) {
            refusal = api::error_response(413, "Request body too large (limit is 1 MiB)");
        } else if (is_malformed_request(body_ec)) {
            refusal = api::error_response(400, "Malformed HTTP request");
        } else if (body_ec) {
            co_return Outcome::close;
        }
    }

    const auto& message = parser.get();
    const unsigned version = parser.is_header_done() && message.version() == 10 ? 10 : 11;
    if (refusal) {
        // The rest of the stream cannot be trusted to start at a message boundary.
        co_await write_response(*refusal, version, false);
        // The request line may have been read even when the header as a whole was not.
        const std::string_view method = message.method_string();
        const std::string_view target = message.target();
        log_access(access_log_, method.empty() ? "-" : method, target.empty() ? "-" : target,
                   refusal->status, std::chrono::steady_clock::now() - started);
        co_await close_gracefully();
        co_return Outcome::close;
    }

    api::Request request = to_api_request(message);
    api::Response answer;
    clear_deadline();  // the handler bounds its own waits (storage timeouts)
    try {
        answer = co_await server_.handler_(request);
    } catch (const std::exception& error) {
        spdlog::error("{} {} failed: {}", request.method, request.target, error.what());
        answer = api::error_response(500, "Internal Server Error");
    }
    const bool keep_alive = message.keep_alive() && !stop_requested_ &&
                            !server_.stopping_.load(std::memory_order_relaxed);
    const bool written = co_await write_response(answer, version, keep_alive);
    log_access(access_log_, request.method, request.target, answer.status,
               std::chrono::steady_clock::now() - started);
    busy_ = false;
    if (!written || !keep_alive) co_return Outcome::close;
    co_return Outcome::keep_open;
}

asio::awaitable<bool> Session::write_response(const api::Response& response, unsigned version,
                                              bool keep_alive) {
    head_.clear();
    append_response_head(head_, response, version, keep_alive, dates_.now());
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                                    asio::buffer(response.body)};
    set_deadline(server_.settings_.read_timeout);
    auto [ec, written] = co_await asio::async_write(socket_, buffers, use_tuple);
    co_return !ec;
}

asio::awaitable<void> Session::close_gracefully() {
    beast::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    set_deadline(linger_limit);
    std::size_t discarded = 0;
    while (discarded < linger_bytes) {
        buffer_.clear();
        auto [read_ec, n] =
            co_await socket_.async_read_some(buffer_.prepare(std::size_t{64} * 1024), use_tuple);
        if (read_ec) break;
        discarded += n;
    }
    buffer_.clear();
}

}  // namespace gateway::http
