// A whole connection's bytes through the server's request reading and its router: the
// RequestReader the session uses (Beast's parser under the server's header and body
// limits, chunk framing and trailers counted against them), then every request it yields
// routed, in order, against an in-memory store, and its answer's head written as the
// session writes it. Pipelined requests share the store, so a POST can be followed by
// the GET, PATCH or DELETE of what it made. The bytes arrive in one piece or, when the
// input starts with a byte below 0x20, in reads of that many bytes plus one, so that
// limits and framing are also met at every split.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "api/api_handlers.hpp"
#include "api/router.hpp"
#include "config/settings.hpp"
#include "fuzz_check.hpp"
#include "http/request_fields.hpp"
#include "http/request_reader.hpp"
#include "http/response_head.hpp"
#include "store/memory_store.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace gateway;

// At most this many requests per input: enough for create, read, change, delete.
constexpr int kMaxRequests = 8;

// The client's side of the connection: what it has not sent yet, in reads of `step`.
struct Client {
    std::string_view unsent;
    std::size_t step;
};

// The session's read loop, with the socket replaced by `client`.
beast::error_code read_request(http::RequestReader& reader, beast::flat_buffer& buffer,
                               Client& client, bool whole) {
    for (;;) {
        if (const auto ec = reader.feed(buffer, whole)) return ec;
        if (reader.done(whole)) return {};
        const std::size_t room = buffer.max_size() - buffer.size();
        if (room == 0) return reader.overflow();
        if (client.unsent.empty()) return reader.end_of_input(buffer.size());
        const std::size_t n = std::min({room, http::kReadSize, client.step, client.unsent.size()});
        const auto into = buffer.prepare(n);
        std::copy_n(client.unsent.data(), n, static_cast<char*>(into.data()));
        buffer.commit(n);
        client.unsent.remove_prefix(n);
    }
}

asio::awaitable<api::DatabaseHealth> in_memory_health() {
    co_return api::DatabaseHealth{
        domain::HealthStatus::degraded, "in-memory", "Using fallback in-memory storage", false, {}};
}

asio::awaitable<void> answer_into(api::Router& router, const api::Request& request,
                                  std::optional<api::Response>& answer) {
    answer.emplace(co_await router.route(request));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Client client{std::string_view(reinterpret_cast<const char*>(data), size), http::kReadSize};
    if (size != 0 && data[0] < 0x20) {
        client.step = std::size_t{data[0]} + 1;
        client.unsent.remove_prefix(1);
    }

    const config::ServerSettings settings;
    beast::flat_buffer buffer(http::request_buffer_size(settings));
    store::MemoryStore store;
    api::ApiHandlers handlers(store);
    api::Router router(handlers, in_memory_health, [] { return api::Readiness{true, {}}; });
    asio::io_context io;
    http::DateCache dates;

    for (int served = 0; served < kMaxRequests; ++served) {
        http::RequestReader reader(settings);
        auto ec = read_request(reader, buffer, client, false);
        if (!ec) {
            reader.read_body_eagerly();
            ec = read_request(reader, buffer, client, true);
        }
        // Refused or ended: the session answers a refusal and closes, either way.
        if (ec) break;

        const auto& message = reader.message();
        GATEWAY_FUZZ_CHECK(message.body().size() <= settings.body_limit);
        const auto if_match = http::combined_field(message, boost::beast::http::field::if_match);
        const auto key = http::combined_field(message, std::string_view("Idempotency-Key"));
        const api::Request request = http::to_api_request(message, if_match, key);

        std::optional<api::Response> answer;
        std::exception_ptr failure;
        asio::co_spawn(io, answer_into(router, request, answer),
                       [&failure](const std::exception_ptr& error) { failure = error; });
        io.restart();
        io.run();
        // The session would turn this into a 500; the router is meant to answer itself.
        if (failure) std::rethrow_exception(failure);
        GATEWAY_FUZZ_CHECK(answer && answer->status >= 200 && answer->status <= 599);

        std::string head;
        http::append_response_head(head, *answer, message.version() == 10 ? 10 : 11,
                                   message.keep_alive(), dates.now());
        GATEWAY_FUZZ_CHECK(head.size() > 4 && head.ends_with("\r\n\r\n"));
        if (!message.keep_alive()) break;
    }
    return 0;
}
