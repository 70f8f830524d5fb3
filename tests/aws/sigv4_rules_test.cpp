// The SigV4 building blocks and the rules of the AWS SDK for JavaScript's signer that the
// published test suite does not reach: known-answer vectors for the primitives, and one
// test per canonicalisation rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "aws/hashing.hpp"
#include "aws/query_parameters.hpp"
#include "aws/signed_header_value.hpp"
#include "aws/sigv4.hpp"
#include "aws/sigv4_primitives.hpp"
#include "aws/sigv4_steps.hpp"
#include "aws/uri_encoding.hpp"

namespace gateway::aws {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Credentials example_credentials(std::string session_token = {}) {
    Credentials credentials;
    credentials.access_key_id = "AKIDEXAMPLE";
    credentials.secret_access_key = std::string(kSecret);
    credentials.session_token = std::move(session_token);
    return credentials;
}

SigningScope example_scope() {
    using namespace std::chrono;
    return {"us-east-1", "service", sys_days{2015y / August / 30} + 12h + 36min};
}

RequestToSign get_request(HttpHeaders headers) {
    RequestToSign request;
    request.method = "GET";
    request.path = "/";
    request.headers = std::move(headers);
    return request;
}

using test::header_value;

// The lines of a canonical request between the query and the blank line.
std::string canonical_header_lines(const RequestToSign& request,
                                   const Credentials& credentials = example_credentials()) {
    const std::string canonical =
        sign_request_with_steps(request, credentials, example_scope(), {}).steps.canonical_request;
    // Method, path and query take one line each (the query's may be empty).
    std::size_t start = 0;
    for (int line = 0; line < 3; ++line) start = canonical.find('\n', start) + 1;
    return canonical.substr(start, canonical.find("\n\n", start) - start);
}

TEST(SigV4Primitives, Sha256AndHmacMatchPublishedVectors) {
    // FIPS 180-2 "abc"; RFC 4231 test case 2.
    EXPECT_EQ(lower_hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(lower_hex(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(lower_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SigV4Primitives, SigningKeyMatchesTheAwsDocumentationExample) {
    EXPECT_EQ(lower_hex(signing_key(kSecret, "20120215", "us-east-1", "iam")),
              "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4Primitives, DatesAreUtcWholeSecondsCutNotRounded) {
    using namespace std::chrono;
    const auto almost_midnight = sys_days{2024y / February / 29} + 23h + 59min + 59s + 999ms;
    EXPECT_EQ(amz_long_date(almost_midnight), "20240229T235959Z");
    EXPECT_EQ(amz_short_date(almost_midnight), "20240229");
    EXPECT_EQ(amz_long_date(sys_days{1969y / December / 31} + 1h + 500ms), "19691231T010000Z");
    EXPECT_EQ(credential_scope("20150830", "eu-west-1", "rds-db"),
              "20150830/eu-west-1/rds-db/aws4_request");
}

TEST(SigV4UriEncoding, KeepsOnlyUnreservedCharacters) {
    EXPECT_EQ(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(uri_encode(" !\"#$%&'()*+,/:;=?@[]"),
              "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
    EXPECT_EQ(uri_encode("\xE1\x88\xB4"), "%E1%88%B4");
    EXPECT_EQ(uri_encode(std::string_view("\0\xff", 2)), "%00%FF");
}

TEST(SigV4UriEncoding, DecodesEscapesOfEitherCaseAndLeavesTheRest) {
    EXPECT_EQ(percent_decode("%e1%88%B4"), "\xE1\x88\xB4");
    EXPECT_EQ(percent_decode("a+b"), "a+b");
    EXPECT_EQ(percent_decode("100%"), "100%");
    EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
    EXPECT_EQ(percent_decode("%2541"), "%41");
}

TEST(SigV4CanonicalPath, NormalisesLikeTheJavaScriptSigner) {
    const SigningOptions normalise{};
    EXPECT_EQ(canonical_path("", normalise), "/");
    EXPECT_EQ(canonical_path("a/b", normalise), "/a/b");
    EXPECT_EQ(canonical_path("/a//b/./c/../", normalise), "/a/b/");
    EXPECT_EQ(canonical_path("/..", normalise), "/");
    EXPECT_EQ(canonical_path("/../a/..", normalise), "/");
    EXPECT_EQ(canonical_path("/a/../", normalise), "/");
    EXPECT_EQ(canonical_path("/...", normalise), "/...");
    // The path is already encoded on the request line; it is encoded once more.
    EXPECT_EQ(canonical_path("/a%20b/c+d/%E1%88%B4", normalise), "/a%2520b/c%2Bd/%25E1%2588%25B4");
}

TEST(SigV4CanonicalPath, S3StyleKeepsThePathAsSent) {
    const SigningOptions s3{false, false, true};
    EXPECT_EQ(canonical_path("/a//b/./c/../%20", s3), "/a//b/./c/../%20");
    const SigningOptions encode_only{true, false, false};
    EXPECT_EQ(canonical_path("//a b/..", encode_only), "//a%20b/..");
}

TEST(SigV4Query, SplitsAtTheFirstEqualsSignAndReencodes) {
    EXPECT_EQ(QueryParameters::parse("a=b=c").canonical(), "a=b%3Dc");
    EXPECT_EQ(QueryParameters::parse("flag&x=").canonical(), "flag=&x=");
    EXPECT_EQ(QueryParameters::parse("a+b=%7e%2f").canonical(), "a%2Bb=~%2F");
    EXPECT_EQ(QueryParameters::parse("&&a=1&").canonical(), "a=1");
    EXPECT_EQ(QueryParameters::parse("=v").canonical(), "=v");
}

TEST(SigV4Query, SortsByEncodedNameThenValue) {
    // '_' sorts after '%' once encoded: "%7B" < "_".
    EXPECT_EQ(QueryParameters::parse("_=1&%7B=2&b=2&b=10&b=1&B=0").canonical(),
              "%7B=2&B=0&_=1&b=1&b=10&b=2");
}

TEST(SigV4Query, LeavesAnyPreviousSignatureOut) {
    EXPECT_EQ(QueryParameters::parse("X-Amz-Signature=1&x-amz-SIGNATURE=2&a=3").canonical(), "a=3");
}

TEST(SigV4Query, RendersInJavaScriptStringOrderWithValuesInTheirOrder) {
    // U+FF01 (EF BC 81 in UTF-8) sorts after U+1F600 (a surrogate pair) in UTF-16.
    EXPECT_EQ(
        QueryParameters::parse("%EF%BC%81=1&%F0%9F%98%80=2&_=3&%7B=4&b=2&b=1").to_query_string(),
        "_=3&b=2&b=1&%7B=4&%F0%9F%98%80=2&%EF%BC%81=1");
}

TEST(SigV4Headers, FoldsWhiteSpaceAndJoinsRepeatedNames) {
    const RequestToSign request = get_request({{"Host", "example.amazonaws.com"},
                                               {"My-Header", "  a \t  b\r\n c  "},
                                               {"my-header", "\td "},
                                               {"MY-HEADER", ""},
                                               {"Empty", "   "}});
    EXPECT_EQ(
        canonical_header_lines(request),
        "empty:\nhost:example.amazonaws.com\nmy-header:a b c,d,\nx-amz-date:20150830T123600Z");
}

TEST(SigV4Headers, NeverSignsHopByHopOrAgentHeaders) {
    const RequestToSign request = get_request({{"Host", "h"},
                                               {"User-Agent", "x"},
                                               {"Expect", "100-continue"},
                                               {"Connection", "close"},
                                               {"X-Amzn-Trace-Id", "t"},
                                               {"Proxy-Authorization", "p"},
                                               {"Sec-Fetch-Mode", "cors"},
                                               {"Transfer-Encoding", "chunked"},
                                               {"Content-Type", "text/plain"}});
    EXPECT_EQ(canonical_header_lines(request),
              "content-type:text/plain\nhost:h\nx-amz-date:20150830T123600Z");
}

TEST(SigV4Headers, SignsItsOwnDateAndTokenOverTheRequests) {
    const RequestToSign request = get_request({{"Host", "h"},
                                               {"X-Amz-Date", "19990101T000000Z"},
                                               {"Date", "Fri, 01 Jan 1999 00:00:00 GMT"},
                                               {"Authorization", "stale"},
                                               {"X-Amz-Security-Token", "stale-token"}});
    EXPECT_EQ(canonical_header_lines(request, example_credentials("fresh-token")),
              "host:h\nx-amz-date:20150830T123600Z\nx-amz-security-token:fresh-token");
    const HttpHeaders added =
        sign_request(request, example_credentials("fresh-token"), example_scope());
    EXPECT_EQ(header_value(added, "x-amz-security-token"), "fresh-token");
    EXPECT_EQ(header_value(added, "x-amz-date"), "20150830T123600Z");
    // Without a token of the credentials, the request's own is signed as it is.
    EXPECT_EQ(canonical_header_lines(request),
              "host:h\nx-amz-date:20150830T123600Z\nx-amz-security-token:stale-token");
}

TEST(SigV4Payload, HashesTheBodyOrTakesTheStatedHash) {
    RequestToSign request = get_request({{"Host", "h"}});
    request.method = "PUT";
    request.payload = "hello";
    const std::string body_hash = lower_hex(sha256("hello"));
    SigningOptions with_header;
    with_header.add_content_sha256_header = true;
    const auto hashed =
        sign_request_with_steps(request, example_credentials(), example_scope(), with_header);
    EXPECT_TRUE(hashed.steps.canonical_request.ends_with("\n" + body_hash));
    EXPECT_EQ(header_value(hashed.headers_to_add, "x-amz-content-sha256"), body_hash);
    EXPECT_EQ(header_value(sign_request(request, example_credentials(), example_scope()),
                           "x-amz-content-sha256"),
              "<absent>");

    request.headers.emplace_back("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
    const auto stated =
        sign_request_with_steps(request, example_credentials(), example_scope(), with_header);
    EXPECT_TRUE(stated.steps.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
    EXPECT_EQ(header_value(stated.headers_to_add, "x-amz-content-sha256"), "<absent>");
}

TEST(SigV4Presign, MovesAmzHeadersIntoTheQueryAndSignsTheRest) {
    RequestToSign request = get_request(
        {{"Host", "h"}, {"X-Amz-Meta-Colour", " blue "}, {"Content-Type", "a/b"}, {"Date", "x"}});
    request.query = "X-Amz-Date=stale&x=1";
    const auto presigned =
        presign_query_with_steps(request, example_credentials("tok/+="), example_scope(), 60s, {});
    EXPECT_EQ(presigned.query.substr(0, presigned.query.find("&X-Amz-Signature=")),
              "X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
              "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-Meta-Colour=blue"
              "&X-Amz-Security-Token=tok%2F%2B%3D");
    EXPECT_TRUE(presigned.query.ends_with("&X-Amz-Signature=" + presigned.steps.signature +
                                          "&X-Amz-SignedHeaders=content-type%3Bhost&x=1"));
    EXPECT_NE(
        presigned.steps.canonical_request.find("\ncontent-type:a/b\nhost:h\n\ncontent-type;host\n"),
        std::string::npos);
}

TEST(SigV4Presign, ExpiryMustBeWithinSevenDays) {
    const RequestToSign request = get_request({{"Host", "h"}});
    EXPECT_NO_THROW(presign_query(request, example_credentials(), example_scope(), 1s));
    EXPECT_NO_THROW(presign_query(request, example_credentials(), example_scope(), 604800s));
    for (const auto expiry : {0s, -5s, 604801s}) {
        try {
            presign_query(request, example_credentials("session-secret"), example_scope(), expiry);
            ADD_FAILURE() << "accepted " << expiry.count();
        } catch (const std::invalid_argument& error) {
            const std::string message = error.what();
            EXPECT_EQ(message.find(kSecret), std::string::npos);
            EXPECT_EQ(message.find("session-secret"), std::string::npos);
        }
    }
}

TEST(SigV4Signature, ChangesWithEverySignedInput) {
    RequestToSign request = get_request({{"Host", "h"}, {"X-Custom", "1"}});
    request.query = "a=1";
    const std::string base =
        sign_request_with_steps(request, example_credentials(), example_scope(), {})
            .steps.signature;
    auto signature_with = [&](auto change) {
        RequestToSign changed = request;
        Credentials credentials = example_credentials();
        SigningScope scope = example_scope();
        change(changed, credentials, scope);
        return sign_request_with_steps(changed, credentials, scope, {}).steps.signature;
    };
    EXPECT_NE(base, signature_with([](auto& r, auto&, auto&) { r.method = "POST"; }));
    EXPECT_NE(base, signature_with([](auto& r, auto&, auto&) { r.path = "/x"; }));
    EXPECT_NE(base, signature_with([](auto& r, auto&, auto&) { r.query = "a=2"; }));
    EXPECT_NE(base, signature_with([](auto& r, auto&, auto&) { r.headers[1].second = "2"; }));
    EXPECT_NE(base, signature_with([](auto& r, auto&, auto&) { r.payload = "x"; }));
    EXPECT_NE(base, signature_with([](auto&, auto& c, auto&) { c.secret_access_key += "x"; }));
    EXPECT_NE(base, signature_with([](auto&, auto&, auto& s) { s.region = "eu-west-1"; }));
    EXPECT_NE(base, signature_with([](auto&, auto&, auto& s) { s.service = "sts"; }));
    EXPECT_NE(base, signature_with([](auto&, auto&, auto& s) { s.time += 1s; }));
    // Not signed: an unsignable header, and the spelling of what is canonicalised anyway.
    EXPECT_EQ(base, signature_with(
                        [](auto& r, auto&, auto&) { r.headers.emplace_back("User-Agent", "x"); }));
    EXPECT_EQ(base, signature_with([](auto& r, auto&, auto&) { r.query = "%61=%31"; }));
    EXPECT_EQ(base, signature_with([](auto& r, auto&, auto&) { r.headers[0].first = "HOST"; }));
}

}  // namespace
}  // namespace gateway::aws
