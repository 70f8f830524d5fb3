// Our SigV4 signing against the official AWS JavaScript signers (@smithy/signature-v4 and
// @aws-sdk/rds-signer, run by node/sign-oracle.mjs): a few hundred seeded random
// requests with awkward paths, queries and headers, signed both ways, and RDS auth tokens,
// each compared byte for byte. One Node process answers them all.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "aws/rds_auth_token.hpp"
#include "aws/sigv4.hpp"
#include "domain/base64url.hpp"
#include "domain/utf8.hpp"
#include "support/line_process.hpp"

namespace gateway::aws {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::uint64_t kSeed = 20150830;
constexpr int kHeaderSignedRequests = 300;
constexpr int kPresignedRequests = 300;
constexpr int kRdsTokens = 40;
constexpr auto kAnswerTimeout = 20s;

class Random {
  public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}

    int between(int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(engine_);
    }
    std::int64_t between(std::int64_t low, std::int64_t high) {
        return std::uniform_int_distribution<std::int64_t>(low, high)(engine_);
    }
    bool chance(int percent) { return between(1, 100) <= percent; }

    template <typename T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[static_cast<std::size_t>(between(0, static_cast<int>(N) - 1))];
    }

    std::string text(std::string_view alphabet, int min_length, int max_length) {
        std::string result;
        const int length = between(min_length, max_length);
        for (int i = 0; i < length; ++i) {
            result += alphabet[static_cast<std::size_t>(
                between(0, static_cast<int>(alphabet.size()) - 1))];
        }
        return result;
    }

    std::string bytes(int max_length) {
        std::string result;
        const int length = between(0, max_length);
        for (int i = 0; i < length; ++i) result += static_cast<char>(between(0, 255));
        return result;
    }

  private:
    std::mt19937_64 engine_;
};

constexpr std::string_view kUnreserved =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

// Encodes decoded text the many ways a client may put it on the wire: anything that
// would change the meaning escaped (upper- or lower-case hex), the rest escaped or not at
// random; a UTF-8 character sometimes raw, but always whole (the oracle gets JSON text).
std::string wire_form(Random& random, std::string_view decoded, std::string_view must_escape) {
    static constexpr std::string_view kUpper = "0123456789ABCDEF";
    static constexpr std::string_view kLower = "0123456789abcdef";
    std::string wire;
    while (!decoded.empty()) {
        const std::size_t length = std::max<std::size_t>(1, domain::utf8_sequence_length(decoded));
        const std::string_view character = decoded.substr(0, length);
        decoded.remove_prefix(length);
        const auto first = static_cast<unsigned char>(character.front());
        const bool required =
            first <= 0x20 || first == 0x7F || first == '%' || first == '#' ||
            (length == 1 && must_escape.find(character.front()) != std::string_view::npos);
        const bool raw = !required && random.chance(first < 0x80 ? 75 : 25);
        if (raw) {
            wire += character;
            continue;
        }
        const std::string_view digits = random.chance(70) ? kUpper : kLower;
        for (const char c : character) {
            const auto byte = static_cast<unsigned char>(c);
            wire += '%';
            wire += digits[byte >> 4];
            wire += digits[byte & 0x0F];
        }
    }
    return wire;
}

constexpr std::array<std::string_view, 18> kPathSegments = {
    "",    ".",     "..",  "example", "a b",  "\xE1\x88\xB4", "caf\xC3\xA9", "\xF0\x9F\x98\x80",
    "x+y", "!'()*", "a;b", "k=v",     "@:$,", "~-_.",         "...",         "q?",
    "%",   "UPPER"};

std::string random_path(Random& random) {
    if (random.chance(5)) return "";
    std::string path = random.chance(95) ? "/" : "";
    const int segments = random.between(0, 5);
    for (int i = 0; i < segments; ++i) {
        if (i > 0) path += '/';
        path += wire_form(random, random.pick(kPathSegments), "/?");
    }
    if (segments > 0 && random.chance(30)) path += '/';
    return path;
}

constexpr std::array<std::string_view, 16> kQueryNames = {"a",
                                                          "A",
                                                          "b",
                                                          "Param",
                                                          "list",
                                                          "_",
                                                          "{",
                                                          "caf\xC3\xA9",
                                                          "\xE1\x88\xB4",
                                                          "\xF0\x9F\x98\x80",
                                                          "\xEF\xBD\x86",
                                                          "a b",
                                                          "x=y",
                                                          "X-Amz-Date",
                                                          "x-amz-signature",
                                                          "X-Amz-Meta"};
constexpr std::array<std::string_view, 14> kQueryValues = {
    "",  "1",        "10",  "2", "hello world", "a+b", "~",
    "/", "\xC3\xBC", "v=w", "&", "%41",         "Z",   "\xF0\x9F\x98\x80"};

std::string random_query(Random& random) {
    std::string query;
    const int pairs = random.between(0, 6);
    for (int i = 0; i < pairs; ++i) {
        if (i > 0) query += random.chance(5) ? "&&" : "&";
        query += wire_form(random, random.pick(kQueryNames), "&=");
        const std::string_view value = random.pick(kQueryValues);
        if (value.empty() && random.chance(40)) continue;  // a name alone: "flag"
        query += '=';
        query += wire_form(random, value, "&");
    }
    return query;
}

constexpr std::array<std::string_view, 22> kHeaderNames = {"Content-Type",
                                                           "content-type",
                                                           "X-Amz-Meta-Note",
                                                           "My-Header",
                                                           "my-header",
                                                           "MY-HEADER",
                                                           "User-Agent",
                                                           "Expect",
                                                           "Proxy-Thing",
                                                           "Sec-Fetch-Mode",
                                                           "X-Amzn-Trace-Id",
                                                           "Date",
                                                           "X-Amz-Date",
                                                           "Authorization",
                                                           "X-Amz-Security-Token",
                                                           "X-Amz-Content-Sha256",
                                                           "Accept",
                                                           "Cache-Control",
                                                           "Content-Length",
                                                           "X-Amz-Target",
                                                           "Transfer-Encoding",
                                                           "x-custom"};
constexpr std::array<std::string_view, 12> kHeaderValues = {"value",
                                                            "  padded  ",
                                                            "a   b\t\tc",
                                                            "\tTabbed",
                                                            "multi\r\n  line",
                                                            "",
                                                            "   ",
                                                            "caf\xC3\xA9",
                                                            "text/plain; charset=utf-8",
                                                            "\"quoted  value\"",
                                                            "UNSIGNED-PAYLOAD",
                                                            "1,2"};
constexpr std::array<std::string_view, 4> kHosts = {
    "example.amazonaws.com", "sts.eu-west-1.amazonaws.com", "127.0.0.1:8443", "Mixed.Case.Host"};
constexpr std::array<std::string_view, 6> kMethods = {"GET",    "POST", "PUT",
                                                      "DELETE", "HEAD", "PATCH"};
constexpr std::array<std::string_view, 6> kRegions = {
    "us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "il-central-1"};
constexpr std::array<std::string_view, 5> kServices = {"service", "sts", "secretsmanager",
                                                       "execute-api", "s3"};

HttpHeaders random_headers(Random& random, bool header_kind) {
    HttpHeaders headers;
    const std::string_view host_name =
        random.chance(70) ? "Host" : (random.chance(50) ? "host" : "HOST");
    headers.emplace_back(std::string(host_name), std::string(random.pick(kHosts)));
    const int extra = random.between(0, 5);
    for (int i = 0; i < extra; ++i) {
        std::string name(random.pick(kHeaderNames));
        // The JavaScript signer adds x-amz-security-token and x-amz-content-sha256 under
        // those lower-case names, so its answer could not tell the request's own from an
        // added one: header-kind requests spell them otherwise. (A presigned query has no
        // such ambiguity.)
        if (!header_kind && random.chance(20)) {
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        headers.emplace_back(std::move(name), std::string(random.pick(kHeaderValues)));
    }
    return headers;
}

Credentials random_credentials(Random& random) {
    Credentials credentials;
    credentials.access_key_id = (random.chance(50) ? "AKIA" : "ASIA") +
                                random.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16);
    credentials.secret_access_key =
        random.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40, 40);
    if (random.chance(50)) {
        credentials.session_token = random.text(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=", 20, 200);
    }
    return credentials;
}

std::chrono::system_clock::time_point random_time(Random& random) {
    // 2000-01-01 to 2099-12-31, with milliseconds (the signers cut them off).
    const std::int64_t seconds = random.between(std::int64_t{946684800}, std::int64_t{4102444799});
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds) +
                                                 std::chrono::milliseconds(random.between(0, 999)));
}

std::int64_t epoch_millis(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

struct SignatureCase {
    RequestToSign request;
    std::string payload;  // request.payload views it
    Credentials credentials;
    SigningScope scope;
    SigningOptions options;
    std::chrono::seconds expires_in{0};
};

SignatureCase random_case(Random& random, bool header_kind) {
    SignatureCase c;
    c.request.method = std::string(random.pick(kMethods));
    c.request.path = random_path(random);
    c.request.query = random_query(random);
    c.request.headers = random_headers(random, header_kind);
    c.payload = random.chance(40) ? std::string{} : random.bytes(64);
    c.credentials = random_credentials(random);
    c.scope = {std::string(random.pick(kRegions)), std::string(random.pick(kServices)),
               random_time(random)};
    // The JavaScript signer has one switch for both (S3 turns both off).
    const bool escape_path = random.chance(80);
    c.options = {escape_path, escape_path, random.chance(40)};
    c.expires_in = std::chrono::seconds(random.chance(10) ? 604800 : random.between(1, 604800));
    return c;
}

json::object common_fields(const Credentials& credentials, std::string_view region,
                           std::chrono::system_clock::time_point time) {
    json::object fields;
    fields["access_key_id"] = credentials.access_key_id;
    fields["secret_access_key"] = credentials.secret_access_key;
    fields["session_token"] = credentials.session_token;
    fields["region"] = region;
    fields["time_ms"] = epoch_millis(time);
    return fields;
}

json::object oracle_request(const SignatureCase& c, bool header_kind) {
    json::object request = common_fields(c.credentials, c.scope.region, c.scope.time);
    request["kind"] = header_kind ? "header" : "presign";
    request["method"] = c.request.method;
    request["path"] = c.request.path;
    request["query"] = c.request.query;
    json::array headers;
    for (const auto& [name, value] : c.request.headers) headers.push_back(json::array{name, value});
    request["headers"] = std::move(headers);
    // Node's base64 decoder takes the URL-safe alphabet without padding as well.
    request["body_base64"] = domain::base64url_encode(c.payload);
    request["service"] = c.scope.service;
    request["uri_escape_path"] = c.options.uri_escape_path;
    request["add_content_sha256"] = c.options.add_content_sha256_header;
    request["expires_in"] = c.expires_in.count();
    return request;
}

std::string describe(const SignatureCase& c) {
    std::ostringstream out;
    out << c.request.method << " path=[" << c.request.path << "] query=[" << c.request.query
        << "] headers={";
    for (const auto& [name, value] : c.request.headers)
        out << " [" << name << "]=[" << value << "]";
    out << " } payload bytes=" << c.payload.size() << " region=" << c.scope.region
        << " service=" << c.scope.service << " time_ms=" << epoch_millis(c.scope.time)
        << " token=" << (c.credentials.session_token.empty() ? "no" : "yes")
        << " escape_path=" << c.options.uri_escape_path
        << " content_sha256=" << c.options.add_content_sha256_header
        << " expires=" << c.expires_in.count();
    return out.str();
}

json::value header_or_null(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [header_name, value] : headers) {
        if (header_name == name) return json::string(value);
    }
    return nullptr;
}

class SigV4Oracle : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        const std::filesystem::path node_dir = GATEWAY_AWS_NODE_DIR;
        ASSERT_TRUE(std::filesystem::exists(node_dir / "node_modules" / "@smithy" / "signature-v4"))
            << "the Node test peers are not installed: run scripts/install-node-deps.sh";
        oracle_ = new test::LineProcess({"node", "sign-oracle.mjs"}, node_dir.string());
    }
    void SetUp() override { ASSERT_NE(oracle_, nullptr); }
    static void TearDownTestSuite() {
        delete oracle_;
        oracle_ = nullptr;
    }

    // The oracle's answer to one request, or a failure naming what went wrong.
    static json::object ask(const json::object& request) {
        if (!oracle_->write_line(json::serialize(request))) {
            ADD_FAILURE() << "the oracle stopped reading: " << oracle_->error_output();
            return {};
        }
        const std::optional<std::string> line = oracle_->read_line(kAnswerTimeout);
        if (!line) {
            ADD_FAILURE() << "no answer from the oracle: " << oracle_->error_output();
            return {};
        }
        json::object answer = json::parse(*line).as_object();
        if (const auto* error = answer.if_contains("error")) {
            ADD_FAILURE() << "the oracle failed: " << json::serialize(*error);
        }
        return answer;
    }

    static test::LineProcess* oracle_;
};

test::LineProcess* SigV4Oracle::oracle_ = nullptr;

TEST_F(SigV4Oracle, AuthorizationHeadersMatchTheJavaScriptSigner) {
    Random random(kSeed);
    int mismatches = 0;
    for (int i = 0; i < kHeaderSignedRequests; ++i) {
        SignatureCase c = random_case(random, true);
        c.request.payload = c.payload;
        const json::object answer = ask(oracle_request(c, true));
        const HttpHeaders ours = sign_request(c.request, c.credentials, c.scope, c.options);
        json::object mine;
        mine["authorization"] = header_or_null(ours, "authorization");
        mine["x_amz_date"] = header_or_null(ours, "x-amz-date");
        mine["x_amz_security_token"] = header_or_null(ours, "x-amz-security-token");
        mine["x_amz_content_sha256"] = header_or_null(ours, "x-amz-content-sha256");
        if (mine != answer && ++mismatches <= 5) {
            ADD_FAILURE() << "case " << i << ": " << describe(c)
                          << "\n ours:   " << json::serialize(mine)
                          << "\n theirs: " << json::serialize(answer);
        }
        EXPECT_EQ(ours.size(), 2u + !c.credentials.session_token.empty() +
                                   !mine["x_amz_content_sha256"].is_null());
    }
    EXPECT_EQ(mismatches, 0) << "of " << kHeaderSignedRequests;
}

TEST_F(SigV4Oracle, PresignedQueriesMatchTheJavaScriptSigner) {
    Random random(kSeed + 1);
    int mismatches = 0;
    for (int i = 0; i < kPresignedRequests; ++i) {
        SignatureCase c = random_case(random, false);
        c.request.payload = c.payload;
        const json::object answer = ask(oracle_request(c, false));
        const std::string ours =
            presign_query(c.request, c.credentials, c.scope, c.expires_in, c.options);
        const json::value* theirs = answer.if_contains("query");
        if ((theirs == nullptr || *theirs != json::value(ours)) && ++mismatches <= 5) {
            ADD_FAILURE() << "case " << i << ": " << describe(c) << "\n ours:   " << ours
                          << "\n theirs: " << json::serialize(answer);
        }
    }
    EXPECT_EQ(mismatches, 0) << "of " << kPresignedRequests;
}

constexpr std::array<std::string_view, 6> kDatabaseHosts = {
    "mydb.cluster-abc123.eu-west-1.rds.amazonaws.com",
    "db-1.c9akciq32.us-east-1.rds.amazonaws.com",
    "proxy.proxy-xyz.ap-south-1.rds.amazonaws.com",
    "127.0.0.1",
    "DB.Example.Internal",
    "localhost"};
constexpr std::array<std::string_view, 7> kDatabaseUsers = {
    "gateway_app", "app user", "user@example.com", "o'neil",
    "caf\xC3\xA9", "a+b=c&d",  "UPPER_user"};

TEST_F(SigV4Oracle, RdsAuthTokensMatchTheSdkRdsSigner) {
    Random random(kSeed + 2);
    int mismatches = 0;
    for (int i = 0; i < kRdsTokens; ++i) {
        const std::string host(random.pick(kDatabaseHosts));
        // Port 0 is the SDK's "no port" in the URL (the signed host still names it).
        const auto port = static_cast<std::uint16_t>(
            i == 0 ? 0 : (random.chance(50) ? 5432 : random.between(1, 65535)));
        const std::string user(random.pick(kDatabaseUsers));
        const Credentials credentials = random_credentials(random);
        const RdsTokenScope scope{std::string(random.pick(kRegions)), random_time(random)};

        json::object request = common_fields(credentials, scope.region, scope.time);
        request["kind"] = "rds";
        request["host"] = host;
        request["port"] = static_cast<int>(port);
        request["user"] = user;
        const json::object answer = ask(request);
        const std::string ours = rds_auth_token(host, port, user, scope, credentials);
        const json::value* theirs = answer.if_contains("token");
        if ((theirs == nullptr || *theirs != json::value(ours)) && ++mismatches <= 5) {
            ADD_FAILURE() << "case " << i << ": " << host << ":" << port << " user " << user
                          << " region " << scope.region << " time_ms " << epoch_millis(scope.time)
                          << "\n ours:   " << ours << "\n theirs: " << json::serialize(answer);
        }
    }
    EXPECT_EQ(mismatches, 0) << "of " << kRdsTokens;
}

}  // namespace
}  // namespace gateway::aws
