#include "http/session.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "api/errors.hpp"
#include "http/request_fields.hpp"
#include "http/response_head.hpp"

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

// The most one socket read asks for.
constexpr std::size_t read_size = std::size_t{16} * 1024;

// Timeouts are whole seconds, so checking them once a second is precise enough.
constexpr auto watchdog_period = std::chrono::seconds(1);

// The parser rejected what the client sent, as opposed to the connection ending.
bool is_malformed_request(const beast::error_code& ec) {
    static const auto& parser_errors = beast::error_code(bhttp::error::bad_method).category();
    return ec && ec.category() == parser_errors && ec != bhttp::error::end_of_stream &&
           ec != bhttp::error::partial_message;
}

// The answer to a request refused while it arrived; nullopt when the connection ended
// (end of stream, timeout, reset, shutdown) and nobody is left to answer.
std::optional<api::Response> refusal_for(const beast::error_code& ec, std::size_t body_limit) {
    if (ec == bhttp::error::body_limit) {
        return api::error_response(
            413, "Request body too large (limit is " + std::to_string(body_limit) + " bytes)");
    }
    if (ec == bhttp::error::header_limit) {
        return api::error_response(431, "Request header fields too large");
    }
    if (is_malformed_request(ec)) return api::error_response(400, "Malformed HTTP request");
    return std::nullopt;
}

// The request id a request goes by: its X-Request-ID when that is safe to echo and log,
// else a new one. A request refused before its header was all read gets a new one.
std::string request_id_of(const bhttp::request<bhttp::string_body>& message, bool header_done,
                          RequestIdSource& ids) {
    if (header_done) {
        const auto sent = message.find("X-Request-ID");
        if (sent != message.end()) {
            if (const auto id = acceptable_request_id(sent->value())) return std::string(*id);
        }
    }
    return ids.next();
}

std::string_view trace_id_in(const bhttp::request<bhttp::string_body>& message, bool header_done) {
    if (!header_done) return {};
    const auto traceparent = message.find("traceparent");
    if (traceparent == message.end()) return {};
    return trace_id_of(traceparent->value()).value_or(std::string_view());
}

// The "detail" of an error answer, for the warning a 5xx leaves in the log.
std::string detail_of(const api::Response& answer) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(answer.body, ec);
    if (ec || !body.is_object()) return {};
    const auto* detail = body.as_object().if_contains("detail");
    return detail != nullptr && detail->is_string() ? std::string(detail->as_string()) : "";
}

std::string remote_address_of(const asio::ip::tcp::socket& socket) {
    beast::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return ec ? std::string("-") : endpoint.address().to_string();
}

api::Request to_api_request(const bhttp::request<bhttp::string_body>& message,
                            const std::optional<std::string>& if_match,
                            const std::optional<std::string>& idempotency_key) {
    api::Request request;
    request.method = message.method_string();
    request.target = message.target();
    request.content_type = message[bhttp::field::content_type];
    if (if_match) request.if_match = *if_match;
    if (idempotency_key) request.idempotency_key = *idempotency_key;
    if (const auto authorization = message.find(bhttp::field::authorization);
        authorization != message.end()) {
        request.authorization = authorization->value();
    }
    if (const auto api_key = message.find("X-API-Key"); api_key != message.end()) {
        request.api_key = api_key->value();
    }
    request.body = message.body();
    return request;
}

}  // namespace

Session::Session(const SessionContext& context, asio::ip::tcp::socket socket, AccessLog& access_log,
                 WorkerHttpMetrics& metrics)
    : context_(context),
      access_log_(access_log),
      metrics_(metrics),
      remote_addr_(remote_address_of(socket)),
      socket_(std::move(socket)),
      watchdog_(socket_.get_executor()),
      // Room for a whole header at its limit and one read beyond it, and never more: no
      // line a client sends (a chunk extension, a trailer) can make the buffer grow further.
      buffer_(context.settings.header_limit + read_size) {}

void Session::request_stop() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
        self->stop_requested_ = true;
        // Idle, or a request whose header has not all come: nobody has been promised an
        // answer, and a client that stalls mid-header must not hold up the exit.
        if (!self->busy_) self->close_socket();
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
    set_deadline(context_.settings.idle_timeout);
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
    context_.released(this);
}

// Reads with the parser driven here rather than by Beast's async_read: an exception the
// parser throws (Beast refuses a field over 64 KiB by throwing std::length_error) is then
// thrown in this coroutine, inside the session's guard, instead of out of a completion
// handler; and every byte of the request is counted, not only the header and the data.
asio::awaitable<beast::error_code> Session::read_request(Parser& parser, bool whole,
                                                         Arrival& arrival) {
    const auto& settings = context_.settings;
    // Chunk-size lines, chunk extensions and trailers get the header's allowance on top of
    // the body's; the data alone is held to the body limit by the parser.
    const std::size_t body_section_limit = settings.body_limit + settings.header_limit;
    const auto done = [&] { return whole ? parser.is_done() : parser.is_header_done(); };
    for (;;) {
        while (buffer_.size() != 0 && !done()) {
            const bool header_was_done = parser.is_header_done();
            beast::error_code ec;
            std::size_t used = 0;
            try {
                used = parser.put(buffer_.data(), ec);
            } catch (const std::length_error&) {
                co_return bhttp::error::header_limit;
            }
            buffer_.consume(used);
            // Not eager, the parser stops right after the header, so a call that ends the
            // header consumed header bytes only.
            if (header_was_done) arrival.body_bytes += used;
            if (arrival.body_bytes > body_section_limit) co_return bhttp::error::body_limit;
            if (ec == bhttp::error::need_more || (!ec && used == 0)) break;
            if (ec) co_return ec;
        }
        if (done()) co_return beast::error_code{};

        const std::size_t room = buffer_.max_size() - buffer_.size();
        if (room == 0) {
            // A line longer than the buffer: past the header that is a chunk-size line or a
            // trailer section, both counted with the body.
            co_return parser.is_header_done() ? bhttp::error::body_limit
                                              : bhttp::error::header_limit;
        }
        auto [ec, n] =
            co_await socket_.async_read_some(buffer_.prepare(std::min(room, read_size)), use_tuple);
        buffer_.commit(n);
        if (n != 0 && !arrival.started) {
            // The read timeout covers the whole request from its first byte, header
            // included, so a client trickling a header cannot stretch it.
            arrival.started = true;
            set_deadline(settings.read_timeout);
        }
        if (ec == asio::error::eof) {
            if (!parser.got_some() && buffer_.size() == 0) co_return bhttp::error::end_of_stream;
            beast::error_code eof_ec;
            parser.put_eof(eof_ec);
            co_return eof_ec ? eof_ec : beast::error_code(bhttp::error::partial_message);
        }
        if (ec) co_return ec;
    }
}

asio::awaitable<Session::Outcome> Session::serve_one() {
    const auto& settings = context_.settings;
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.header_limit));
    parser.body_limit(settings.body_limit);

    // Between requests the connection may idle; once a request starts it must arrive
    // within the read timeout.
    Arrival arrival;
    arrival.started = buffer_.size() != 0;
    set_deadline(arrival.started ? settings.read_timeout : settings.idle_timeout);
    beast::error_code read_ec = co_await read_request(parser, false, arrival);
    const auto started = std::chrono::steady_clock::now();
    busy_ = !read_ec;
    std::optional<InFlightRequest> in_flight;
    if (!read_ec) {
        in_flight.emplace(metrics_);
        if (auto expect = parser.get().find(bhttp::field::expect);
            expect != parser.get().end() && beast::iequals(expect->value(), "100-continue")) {
            // The client waits for this before sending a body we have agreed to take.
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            co_await bhttp::async_write(socket_, go_on, use_tuple);
        }
        parser.eager(true);  // the header is in; take the body in as few steps as it comes
        read_ec = co_await read_request(parser, true, arrival);
    }

    const auto& message = parser.get();
    const bool header_done = parser.is_header_done();
    const unsigned version = header_done && message.version() == 10 ? 10 : 11;
    if (read_ec) {
        auto refusal = refusal_for(read_ec, settings.body_limit);
        if (!refusal) co_return Outcome::close;
        busy_ = true;  // an answer is owed now
        const std::string request_id = request_id_of(message, header_done, request_ids_);
        // The rest of the stream cannot be trusted to start at a message boundary.
        co_await write_response(*refusal, request_id, version, false);
        // The request line may have been read even when the header as a whole was not.
        const std::string_view method = message.method_string();
        const std::string_view target = message.target();
        log_answer({.request_id = request_id,
                    .method = method.empty() ? "-" : method,
                    .route = "-",
                    .target = target.empty() ? "-" : target,
                    .status = refusal->status,
                    .took = std::chrono::steady_clock::now() - started,
                    .remote_addr = remote_addr_,
                    .bytes_out = head_.size() + refusal->body.size(),
                    .trace_id = trace_id_in(message, header_done)},
                   *refusal);
        co_await close_gracefully();
        co_return Outcome::close;
    }

    const auto if_match = combined_field(message, bhttp::field::if_match);
    const auto idempotency_key = combined_field(message, std::string_view("Idempotency-Key"));
    api::Request request = to_api_request(message, if_match, idempotency_key);
    const std::string request_id = request_id_of(message, true, request_ids_);
    api::Response answer;
    clear_deadline();  // the handler bounds its own waits (storage timeouts)
    try {
        answer = co_await context_.handler(request);
    } catch (const std::exception& error) {
        spdlog::error("{} {} failed: {} (request {})", request.method, request.target, error.what(),
                      request_id);
        answer = api::error_response(500, "Internal Server Error");
    }
    const bool keep_alive = message.keep_alive() && !stop_requested_ &&
                            !context_.stopping.load(std::memory_order_relaxed);
    // HEAD gets GET's head, Content-Length included, and never a body (RFC 9110 9.3.2).
    const bool with_body = message.method() != bhttp::verb::head;
    const bool written =
        co_await write_response(answer, request_id, version, keep_alive, with_body);
    log_answer({.request_id = request_id,
                .method = request.method,
                .route = answer.route,
                .target = request.target,
                .status = answer.status,
                .took = std::chrono::steady_clock::now() - started,
                .remote_addr = remote_addr_,
                .bytes_out = head_.size() + (with_body ? answer.body.size() : 0),
                .trace_id = trace_id_in(message, true),
                .actor = answer.actor},
               answer);
    busy_ = false;
    if (!written || !keep_alive) co_return Outcome::close;
    co_return Outcome::keep_open;
}

void Session::log_answer(const AccessRecord& record, const api::Response& answer) {
    metrics_.record(record.method, record.route, record.status, record.took);
    access_log_.write(record);
    if (answer.status >= 500) access_log_.server_error(record, detail_of(answer));
    if (!answer.refused_because.empty()) access_log_.key_refused(record, answer.refused_because);
}

asio::awaitable<bool> Session::write_response(api::Response& response,
                                              const std::string& request_id, unsigned version,
                                              bool keep_alive, bool with_body) {
    response.headers.emplace_back("X-Request-ID", request_id);
    head_.clear();
    append_response_head(head_, response, version, keep_alive, dates_.now());
    const std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head_), with_body ? asio::buffer(response.body) : asio::const_buffer()};
    set_deadline(context_.settings.read_timeout);
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
        auto [read_ec, n] = co_await socket_.async_read_some(
            buffer_.prepare(std::min(read_size, buffer_.max_size())), use_tuple);
        if (read_ec) break;
        discarded += n;
    }
    buffer_.clear();
}

}  // namespace gateway::http
