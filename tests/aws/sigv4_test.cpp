// The published AWS SigV4 test suite (tests/aws/data/sigv4, see its README): every
// case is signed both ways, with the Authorization header and as a presigned query, and
// each step is compared with the suite's: canonical request, string to sign, signature.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aws/signed_header_value.hpp"
#include "aws/sigv4.hpp"
#include "aws/sigv4_steps.hpp"

namespace gateway::aws {
namespace {

// Every case of the suite but post-sts-header-after, which expects the session token to
// be left out of the signature: the AWS SDKs always sign it (see the data's README).
constexpr std::string_view kSuiteCases[] = {
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-normalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-normalized",
    "get-slashes-unnormalized",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
};

std::string read_case_file(std::string_view case_name, std::string_view file_name) {
    const auto path = std::filesystem::path(GATEWAY_AWS_TEST_DATA_DIR) / "sigv4" /
                      std::string(case_name) / std::string(file_name);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::chrono::system_clock::time_point parse_utc(std::string_view iso8601) {
    // 2015-08-30T12:36:00Z
    int year = 0;
    unsigned month = 0, day = 0;
    int hour = 0, minute = 0, second = 0;
    if (std::sscanf(std::string(iso8601).c_str(), "%d-%u-%uT%d:%d:%dZ", &year, &month, &day, &hour,
                    &minute, &second) != 6) {
        throw std::runtime_error("bad timestamp " + std::string(iso8601));
    }
    using namespace std::chrono;
    return sys_days{std::chrono::year{year} / month / day} + hours{hour} + minutes{minute} +
           seconds{second};
}

struct SuiteCase {
    RequestToSign request;
    std::string body;  // request.payload views it
    Credentials credentials;
    SigningScope scope;
    SigningOptions options;
    std::chrono::seconds expires_in{0};
};

// request.txt is an HTTP/1.1 request: the request line (its target may hold a raw
// space), "Name:value" header lines, continuation lines that start with white space and
// belong to the header above, then an empty line and the body.
void parse_request(const std::string& text, SuiteCase& suite_case) {
    const std::size_t head_end = text.find("\n\n");
    std::string_view head(text.data(), head_end == std::string::npos ? text.size() : head_end);
    while (head.ends_with('\n')) head.remove_suffix(1);
    suite_case.body = head_end == std::string::npos ? std::string{} : text.substr(head_end + 2);

    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= head.size();) {
        const std::size_t end = std::min(head.find('\n', start), head.size());
        lines.push_back(head.substr(start, end - start));
        start = end + 1;
    }
    const std::string_view request_line = lines.at(0);
    const std::size_t method_end = request_line.find(' ');
    const std::size_t target_end = request_line.rfind(' ');
    const std::string_view target =
        request_line.substr(method_end + 1, target_end - method_end - 1);
    RequestToSign& request = suite_case.request;
    request.method = std::string(request_line.substr(0, method_end));
    const std::size_t question = target.find('?');
    request.path = std::string(target.substr(0, question));
    request.query =
        question == std::string_view::npos ? "" : std::string(target.substr(question + 1));
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (line.starts_with(' ') || line.starts_with('\t')) {
            request.headers.back().second += '\n';
            request.headers.back().second += line;
            continue;
        }
        const std::size_t colon = line.find(':');
        request.headers.emplace_back(std::string(line.substr(0, colon)),
                                     std::string(line.substr(colon + 1)));
    }
    request.payload = suite_case.body;
}

SuiteCase load_case(std::string_view name) {
    SuiteCase suite_case;
    parse_request(read_case_file(name, "request.txt"), suite_case);
    const auto context = boost::json::parse(read_case_file(name, "context.json")).as_object();
    const auto& credentials = context.at("credentials").as_object();
    suite_case.credentials.access_key_id = credentials.at("access_key_id").as_string().c_str();
    suite_case.credentials.secret_access_key =
        credentials.at("secret_access_key").as_string().c_str();
    if (const auto* token = credentials.if_contains("token")) {
        suite_case.credentials.session_token = token->as_string().c_str();
    }
    suite_case.scope.region = context.at("region").as_string().c_str();
    suite_case.scope.service = context.at("service").as_string().c_str();
    suite_case.scope.time = parse_utc(context.at("timestamp").as_string());
    // "normalize": false is the S3 rule: the path is encoded but its dots and empty
    // segments stay.
    suite_case.options.uri_escape_path = true;
    suite_case.options.normalize_path = context.at("normalize").as_bool();
    suite_case.options.add_content_sha256_header = context.at("sign_body").as_bool();
    suite_case.expires_in = std::chrono::seconds(context.at("expiration_in_seconds").as_int64());
    return suite_case;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t end = std::min(text.find(separator, start), text.size());
        parts.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

using test::header_value;

class SigV4Suite : public ::testing::TestWithParam<std::string_view> {};

TEST_P(SigV4Suite, AuthorizationHeaderMatchesEveryStep) {
    const SuiteCase suite_case = load_case(GetParam());
    const auto signed_request = sign_request_with_steps(suite_case.request, suite_case.credentials,
                                                        suite_case.scope, suite_case.options);
    EXPECT_EQ(signed_request.steps.canonical_request,
              read_case_file(GetParam(), "header-canonical-request.txt"));
    EXPECT_EQ(signed_request.steps.string_to_sign,
              read_case_file(GetParam(), "header-string-to-sign.txt"));
    EXPECT_EQ(signed_request.steps.signature, read_case_file(GetParam(), "header-signature.txt"));

    const HttpHeaders headers = sign_request(suite_case.request, suite_case.credentials,
                                             suite_case.scope, suite_case.options);
    EXPECT_EQ(header_value(headers, "authorization"),
              read_case_file(GetParam(), "header-authorization.txt"));
    EXPECT_EQ(header_value(headers, "x-amz-date"), "20150830T123600Z");
    if (!suite_case.credentials.session_token.empty()) {
        EXPECT_EQ(header_value(headers, "x-amz-security-token"),
                  suite_case.credentials.session_token);
    }
}

TEST_P(SigV4Suite, PresignedQueryMatchesEveryStep) {
    const SuiteCase suite_case = load_case(GetParam());
    const auto presigned =
        presign_query_with_steps(suite_case.request, suite_case.credentials, suite_case.scope,
                                 suite_case.expires_in, suite_case.options);
    const std::string expected_canonical_request =
        read_case_file(GetParam(), "query-canonical-request.txt");
    const std::string expected_signature = read_case_file(GetParam(), "query-signature.txt");
    EXPECT_EQ(presigned.steps.canonical_request, expected_canonical_request);
    EXPECT_EQ(presigned.steps.string_to_sign,
              read_case_file(GetParam(), "query-string-to-sign.txt"));
    EXPECT_EQ(presigned.steps.signature, expected_signature);

    // The query sent carries exactly the signed pairs (each encoded as in the canonical
    // query) plus the signature, in whatever order.
    std::vector<std::string> expected_pairs =
        split(split(expected_canonical_request, '\n').at(2), '&');
    expected_pairs.push_back("X-Amz-Signature=" + expected_signature);
    std::vector<std::string> sent_pairs =
        split(presign_query(suite_case.request, suite_case.credentials, suite_case.scope,
                            suite_case.expires_in, suite_case.options),
              '&');
    std::sort(expected_pairs.begin(), expected_pairs.end());
    std::sort(sent_pairs.begin(), sent_pairs.end());
    EXPECT_EQ(sent_pairs, expected_pairs);
}

std::string test_name_of(const ::testing::TestParamInfo<std::string_view>& info) {
    std::string name(info.param);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Published, SigV4Suite, ::testing::ValuesIn(kSuiteCases), test_name_of);

}  // namespace
}  // namespace gateway::aws
