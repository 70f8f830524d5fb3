// The single steps of AWS Signature Version 4, each a pure function: the dates, the
// credential scope, the canonical path and request, the string to sign, the signing key
// and the signature. sigv4.cpp composes them; tests check each against the published
// test suite.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/hashing.hpp"
#include "aws/sigv4.hpp"

namespace gateway::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";

// 20150830T123600Z: UTC, whole seconds (a fraction is cut off, never rounded up).
std::string amz_long_date(std::chrono::system_clock::time_point time);
// 20150830
std::string amz_short_date(std::chrono::system_clock::time_point time);

// 20150830/us-east-1/service/aws4_request
std::string credential_scope(std::string_view short_date, std::string_view region,
                             std::string_view service);

// The request path as signed. An empty path is "/", a missing leading '/' is added.
// normalize_path drops empty, "." and ".." segments (".." taking the one before it) and
// keeps a trailing '/' when any segment remains; uri_escape_path percent-encodes the
// path once more, slashes excepted (so "%20" becomes "%2520").
std::string canonical_path(std::string_view path, const SigningOptions& options);

std::string canonical_request(std::string_view method, std::string_view canonical_path,
                              std::string_view canonical_query, std::string_view header_lines,
                              std::string_view signed_headers, std::string_view payload_hash);

std::string string_to_sign(std::string_view long_date, std::string_view scope,
                           std::string_view canonical_request);

// HMAC chain from "AWS4" + secret over date, region, service and "aws4_request". The
// result is as secret as the key it came from: never log it.
Sha256Digest signing_key(std::string_view secret_access_key, std::string_view short_date,
                         std::string_view region, std::string_view service);

std::string signature(const Sha256Digest& signing_key, std::string_view string_to_sign);

}  // namespace gateway::aws
