#include "http/request_reader.hpp"

#include <cstdint>
#include <stdexcept>

namespace gateway::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

std::size_t request_buffer_size(const config::ServerSettings& settings) {
    return settings.header_limit + kReadSize;
}

RequestReader::RequestReader(const config::ServerSettings& settings)
    : body_section_limit_(settings.body_limit + settings.header_limit) {
    parser_.header_limit(static_cast<std::uint32_t>(settings.header_limit));
    parser_.body_limit(settings.body_limit);
}

beast::error_code RequestReader::feed(beast::flat_buffer& buffer, bool whole) {
    while (buffer.size() != 0 && !done(whole)) {
        const bool header_was_done = parser_.is_header_done();
        beast::error_code ec;
        std::size_t used = 0;
        try {
            used = parser_.put(buffer.data(), ec);
        } catch (const std::length_error&) {
            // Beast refuses a field over 64 KiB by throwing.
            return bhttp::error::header_limit;
        }
        buffer.consume(used);
        // Not eager, the parser stops right after the header, so a call that ends the
        // header consumed header bytes only.
        if (header_was_done) body_bytes_ += used;
        if (body_bytes_ > body_section_limit_) return bhttp::error::body_limit;
        if (ec == bhttp::error::need_more || (!ec && used == 0)) break;
        if (ec) return ec;
    }
    return {};
}

beast::error_code RequestReader::overflow() const {
    return parser_.is_header_done() ? bhttp::error::body_limit : bhttp::error::header_limit;
}

beast::error_code RequestReader::end_of_input(std::size_t unread) {
    if (!parser_.got_some() && unread == 0) return bhttp::error::end_of_stream;
    beast::error_code ec;
    parser_.put_eof(ec);
    return ec ? ec : beast::error_code(bhttp::error::partial_message);
}

api::Request to_api_request(const RequestReader::Message& message,
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

}  // namespace gateway::http
