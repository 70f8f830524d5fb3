// The session's request reading, driven from memory: what it makes of whole requests,
// requests cut short, and requests over a limit (chunk framing and trailers included).
#include "http/request_reader.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/beast/http/error.hpp>

#include "http/request_fields.hpp"

namespace gateway::http {
namespace {

namespace bhttp = boost::beast::http;

config::ServerSettings small_limits() {
    config::ServerSettings settings;
    settings.header_limit = 256;
    settings.body_limit = 64;
    return settings;
}

// Puts `bytes` into `buffer` (which must have room) and feeds them to `reader`.
boost::beast::error_code feed_bytes(RequestReader& reader, boost::beast::flat_buffer& buffer,
                                    std::string_view bytes, bool whole) {
    const auto into = buffer.prepare(bytes.size());
    bytes.copy(static_cast<char*>(into.data()), bytes.size());
    buffer.commit(bytes.size());
    return reader.feed(buffer, whole);
}

TEST(RequestReader, ReadsAWholeRequestAndLeavesThePipelinedNextOneBuffered) {
    const auto settings = small_limits();
    boost::beast::flat_buffer buffer(request_buffer_size(settings));
    RequestReader reader(settings);
    const std::string next = "GET /health HTTP/1.1\r\n\r\n";
    const std::string bytes =
        "PATCH /apis/a HTTP/1.1\r\nIf-Match: \"1\"\r\nIf-Match: \"2\"\r\n"
        "Content-Type: application/merge-patch+json\r\nContent-Length: 2\r\n\r\n{}" +
        next;
    EXPECT_FALSE(feed_bytes(reader, buffer, bytes, false));
    ASSERT_TRUE(reader.done(false));
    reader.read_body_eagerly();
    EXPECT_FALSE(reader.feed(buffer, true));
    ASSERT_TRUE(reader.done(true));
    EXPECT_EQ(buffer.size(), next.size());

    const auto if_match = combined_field(reader.message(), bhttp::field::if_match);
    const auto request = to_api_request(reader.message(), if_match, std::nullopt);
    EXPECT_EQ(request.method, "PATCH");
    EXPECT_EQ(request.target, "/apis/a");
    EXPECT_EQ(request.content_type, "application/merge-patch+json");
    EXPECT_EQ(request.if_match, "\"1\", \"2\"");
    EXPECT_FALSE(request.idempotency_key);
    EXPECT_EQ(request.body, "{}");
}

TEST(RequestReader, ChunkExtensionsCountAgainstTheBodyAllowance) {
    const auto settings = small_limits();
    boost::beast::flat_buffer buffer(request_buffer_size(settings));
    RequestReader reader(settings);
    ASSERT_FALSE(feed_bytes(reader, buffer,
                            "POST /apis HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", false));
    ASSERT_TRUE(reader.done(false));
    reader.read_body_eagerly();
    // Each chunk carries one byte of data and a long extension: the data stays far below
    // the body limit, the framing does not stay below body limit plus header limit.
    boost::beast::error_code ec;
    for (int chunk = 0; chunk < 16 && !ec; ++chunk) {
        ec = feed_bytes(reader, buffer, "1;ext=" + std::string(60, 'x') + "\r\na\r\n", true);
    }
    EXPECT_EQ(ec, bhttp::error::body_limit);
}

TEST(RequestReader, AHeaderOverItsLimitIsRefused) {
    const auto settings = small_limits();
    boost::beast::flat_buffer buffer(request_buffer_size(settings));
    RequestReader reader(settings);
    const auto ec = feed_bytes(
        reader, buffer, "GET / HTTP/1.1\r\nX-Long: " + std::string(300, 'x') + "\r\n\r\n", false);
    EXPECT_EQ(ec, bhttp::error::header_limit);
}

TEST(RequestReader, AFullBufferIsOverTheLimitOfTheLineItHolds) {
    const auto settings = small_limits();
    RequestReader reader(settings);
    EXPECT_EQ(reader.overflow(), bhttp::error::header_limit);
}

TEST(RequestReader, TheEndOfInputEndsTheStreamOrCutsARequestShort) {
    const auto settings = small_limits();
    RequestReader idle(settings);
    EXPECT_EQ(idle.end_of_input(0), bhttp::error::end_of_stream);

    boost::beast::flat_buffer buffer(request_buffer_size(settings));
    RequestReader cut(settings);
    ASSERT_FALSE(feed_bytes(cut, buffer, "GET /apis HTTP/1.1\r\nHo", false));
    EXPECT_FALSE(cut.done(false));
    EXPECT_EQ(cut.end_of_input(buffer.size()), bhttp::error::partial_message);
}

}  // namespace
}  // namespace gateway::http
