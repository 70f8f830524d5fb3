// Turning the bytes of one request into a Beast message under the server's limits: the
// header limit, the body limit, and an allowance for chunk-size lines, chunk extensions
// and trailers. No socket: the session reads the bytes and hands them over, so the same
// parsing can be driven from memory (the fuzzing harness does).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/request.hpp"
#include "config/settings.hpp"

namespace gateway::http {

// The most one socket read asks for.
inline constexpr std::size_t kReadSize = std::size_t{16} * 1024;

// Room for a whole header at its limit and one read beyond it, and never more: no line a
// client sends (a chunk extension, a trailer) can make a buffer of this size grow further.
std::size_t request_buffer_size(const config::ServerSettings& settings);

class RequestReader {
  public:
    using Message = boost::beast::http::request<boost::beast::http::string_body>;

    explicit RequestReader(const config::ServerSettings& settings);

    // Gives the parser what `buffer` holds, consuming what it took, until it needs more or
    // the header (with `whole`, the whole request) is in. An error means the request is
    // refused (a limit, or a malformed message); none means: done(whole), or read more.
    boost::beast::error_code feed(boost::beast::flat_buffer& buffer, bool whole);
    bool done(bool whole) const { return whole ? parser_.is_done() : parser_.is_header_done(); }

    // The buffer is full and the parser still needs more: a line longer than the buffer,
    // which past the header is a chunk-size line or a trailer section.
    boost::beast::error_code overflow() const;

    // The client closed its side with `unread` bytes still buffered: end_of_stream when no
    // request had started, else what the parser makes of the end (partial_message at
    // best: a request is never complete by the end of the stream).
    boost::beast::error_code end_of_input(std::size_t unread);

    // After the header: take the body in as few steps as it comes.
    void read_body_eagerly() { parser_.eager(true); }

    bool header_done() const { return parser_.is_header_done(); }
    const Message& message() const { return parser_.get(); }

  private:
    boost::beast::http::request_parser<boost::beast::http::string_body> parser_;
    // Chunk-size lines, chunk extensions and trailers get the header's allowance on top of
    // the body's; the data alone is held to the body limit by the parser.
    std::size_t body_section_limit_;
    std::size_t body_bytes_ = 0;  // everything after the header: data, framing, trailers
};

// A parsed request as the handlers see it; it views `message`, `if_match` and
// `idempotency_key`, which must outlive it. The last two are the combined_field values of
// those fields.
api::Request to_api_request(const RequestReader::Message& message,
                            const std::optional<std::string>& if_match,
                            const std::optional<std::string>& idempotency_key);

}  // namespace gateway::http
