#include "http/session.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
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

template <class Stream>
Stream stream_over(asio::ip::tcp::socket socket, asio::ssl::context* tls_context) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        return Stream(std::move(socket), *tls_context);
    } else {
        (void)tls_context;
        return socket;
    }
}

}  // namespace

template <class Stream>
BasicSession<Stream>::BasicSession(const SessionContext& context, asio::ip::tcp::socket socket,
                                   std::shared_ptr<asio::ssl::context> tls_context,
                                   AccessLog& access_log,
                                   std::shared_ptr<WorkerHttpMetrics> metrics)
    : context_(context),
      access_log_(access_log),
      metrics_(std::move(metrics)),
      remote_addr_(remote_address_of(socket)),
      tls_context_(std::move(tls_context)),
      stream_(stream_over<Stream>(std::move(socket), tls_context_.get())),
      watchdog_(stream_.get_executor()),
      buffer_(request_buffer_size(context.settings)) {}

template <class Stream>
asio::ip::tcp::socket& BasicSession<Stream>::socket() {
    if constexpr (tls) {
        return stream_.next_layer();
    } else {
        return stream_;
    }
}

template <class Stream>
void BasicSession<Stream>::request_stop() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
        self->stop_requested_ = true;
        // Idle, or a request whose header has not all come: nobody has been promised an
        // answer, and a client that stalls mid-header must not hold up the exit.
        if (!self->busy_) self->close_socket();
    });
}

template <class Stream>
void BasicSession<Stream>::close_socket() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket().close(ignored);  // fails whatever read or write is pending
    watchdog_.cancel();
}

template <class Stream>
void BasicSession<Stream>::arm_watchdog() {
    watchdog_.expires_after(watchdog_period);
    watchdog_.async_wait([weak = this->weak_from_this()](const beast::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->closed_) return;
        if (Clock::now() >= self->deadline_) {
            self->close_socket();  // the client was too slow or idle too long
        } else {
            self->arm_watchdog();
        }
    });
}

template <class Stream>
asio::awaitable<void> BasicSession<Stream>::run() {
    auto self = this->shared_from_this();
    set_deadline(context_.settings.idle_timeout);
    arm_watchdog();
    // Also bounds any unexpected exception to this connection.
    try {
        if (co_await handshake()) {
            while (!stop_requested_) {
                if (co_await serve_one() == Outcome::close) break;
            }
            co_await say_goodbye();
        }
    } catch (const std::exception& error) {
        spdlog::error("connection failed: {}", error.what());
    }
    close_socket();
    context_.released(this);
}

template <class Stream>
asio::awaitable<bool> BasicSession<Stream>::handshake() {
    if constexpr (tls) {
        // A handshake is part of the first request's arrival: a client that stalls in it
        // is held no longer than one that stalls in a header.
        set_deadline(context_.settings.read_timeout);
        auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (ec) {
            metrics_->tls_handshake_failed();
            // Scanners and plain-HTTP clients cause these all the time: not worth a warning.
            spdlog::debug("TLS handshake with {} failed: {}", remote_addr_, ec.message());
            co_return false;
        }
        set_deadline(context_.settings.idle_timeout);
    }
    co_return true;
}

template <class Stream>
asio::awaitable<void> BasicSession<Stream>::say_goodbye() {
    if constexpr (tls) {
        if (closed_) co_return;
        // Waits for the client's close_notify too; the watchdog ends the wait at the limit.
        set_deadline(linger_limit);
        co_await stream_.async_shutdown(use_tuple);
    }
    co_return;  // what makes this a coroutine when the branch above is discarded
}

// Reads with the parser driven here rather than by Beast's async_read: every byte of the
// request is then counted, not only the header and the data, and an exception the parser
// throws (Beast refuses a field over 64 KiB by throwing) is turned into a refusal by the
// reader instead of escaping from a completion handler.
template <class Stream>
asio::awaitable<beast::error_code> BasicSession<Stream>::read_request(RequestReader& reader,
                                                                      bool whole, bool& arrived) {
    for (;;) {
        if (const auto ec = reader.feed(buffer_, whole)) co_return ec;
        if (reader.done(whole)) co_return beast::error_code{};

        const std::size_t room = buffer_.max_size() - buffer_.size();
        if (room == 0) co_return reader.overflow();
        auto [ec, n] =
            co_await stream_.async_read_some(buffer_.prepare(std::min(room, kReadSize)), use_tuple);
        buffer_.commit(n);
        if (n != 0 && !arrived) {
            // The read timeout covers the whole request from its first byte, header
            // included, so a client trickling a header cannot stretch it.
            arrived = true;
            set_deadline(context_.settings.read_timeout);
        }
        if (ec == asio::error::eof) co_return reader.end_of_input(buffer_.size());
        if (ec) co_return ec;
    }
}

template <class Stream>
auto BasicSession<Stream>::serve_one() -> asio::awaitable<Outcome> {
    const auto& settings = context_.settings;
    RequestReader reader(settings);

    // Between requests the connection may idle; once a request starts it must arrive
    // within the read timeout.
    bool arrived = buffer_.size() != 0;
    set_deadline(arrived ? settings.read_timeout : settings.idle_timeout);
    beast::error_code read_ec = co_await read_request(reader, false, arrived);
    const auto started = std::chrono::steady_clock::now();
    busy_ = !read_ec;
    std::optional<InFlightRequest> in_flight;
    if (!read_ec) {
        in_flight.emplace(*metrics_);
        if (auto expect = reader.message().find(bhttp::field::expect);
            expect != reader.message().end() && beast::iequals(expect->value(), "100-continue")) {
            // The client waits for this before sending a body we have agreed to take.
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            co_await bhttp::async_write(stream_, go_on, use_tuple);
        }
        reader.read_body_eagerly();
        read_ec = co_await read_request(reader, true, arrived);
    }

    const auto& message = reader.message();
    const bool header_done = reader.header_done();
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
    request.client_address = remote_addr_;
    request.request_id = request_id;
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

template <class Stream>
void BasicSession<Stream>::log_answer(const AccessRecord& record, const api::Response& answer) {
    metrics_->record(record.method, record.route, record.status, record.took);
    access_log_.write(record);
    if (answer.status >= 500) access_log_.server_error(record, detail_of(answer));
    if (!answer.refused_because.empty()) access_log_.key_refused(record, answer.refused_because);
}

template <class Stream>
asio::awaitable<bool> BasicSession<Stream>::write_response(api::Response& response,
                                                           const std::string& request_id,
                                                           unsigned version, bool keep_alive,
                                                           bool with_body) {
    response.headers.emplace_back("X-Request-ID", request_id);
    head_.clear();
    append_response_head(head_, response, version, keep_alive, dates_.now());
    set_deadline(context_.settings.read_timeout);
    if constexpr (tls) {
        // A TLS stream writes one buffer per record: head and body together make one
        // record (and one send) instead of two for a small answer.
        const std::size_t head_size = head_.size();
        if (with_body) head_ += response.body;
        auto [ec, written] = co_await asio::async_write(stream_, asio::buffer(head_), use_tuple);
        head_.resize(head_size);  // what the access log counts as the head
        co_return !ec;
    } else {
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head_), with_body ? asio::buffer(response.body) : asio::const_buffer()};
        auto [ec, written] = co_await asio::async_write(stream_, buffers, use_tuple);
        co_return !ec;
    }
}

template <class Stream>
asio::awaitable<void> BasicSession<Stream>::close_gracefully() {
    set_deadline(linger_limit);
    if constexpr (!tls) {
        beast::error_code ec;
        socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    }
    // Over TLS there is no half-close to signal the end (a close_notify now would make
    // OpenSSL fail on the data still coming): the answer said "Connection: close", and the
    // client closes once it has read it.
    std::size_t discarded = 0;
    while (discarded < linger_bytes) {
        buffer_.clear();
        auto [read_ec, n] = co_await stream_.async_read_some(
            buffer_.prepare(std::min(kReadSize, buffer_.max_size())), use_tuple);
        if (read_ec) break;
        discarded += n;
    }
    buffer_.clear();
    close_socket();  // nothing more to say, over TLS either
}

template class BasicSession<PlainStream>;
template class BasicSession<TlsStream>;

}  // namespace gateway::http
