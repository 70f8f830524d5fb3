// AWS Signature Version 4: the canonical request, the string to sign, the signing key,
// and the two ways to carry the signature (Authorization header, presigned query).
// Pure functions: the clock and the credentials come in as arguments.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http_client.hpp"

namespace gateway::aws {

struct SigningScope {
    std::string region;   // us-east-1
    std::string service;  // secretsmanager, sts, rds-db
    std::chrono::system_clock::time_point time;
};

struct RequestToSign {
    std::string method;  // GET, POST
    // As sent on the request line: percent-encoded, "/" when empty.
    std::string path;
    // As sent on the request line, without the '?': percent-encoded name=value pairs
    // joined by '&' in any order; empty when there is none.
    std::string query;
    HttpHeaders headers;  // must include host
    std::string_view payload;
};

struct SigningOptions {
    // Every service but S3 encodes the path a second time and normalises it. (The AWS
    // SDK for JavaScript has one switch for both; S3 clients turn both off.)
    bool uri_escape_path = true;
    bool normalize_path = true;
    // Adds x-amz-content-sha256 (S3 wants it; others accept it).
    bool add_content_sha256_header = false;
};

// The headers to add to the request: x-amz-date, x-amz-security-token when the
// credentials have a session token, x-amz-content-sha256 when the options ask for it and
// the request has none, and authorization. They replace any of the same name the request
// has; its own authorization, x-amz-date and date headers are not signed.
HttpHeaders sign_request(const RequestToSign& request, const Credentials& credentials,
                         const SigningScope& scope, const SigningOptions& options = {});

// The query string to send instead of the request's own (without the '?'): its pairs
// plus X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Security-Token when present, and X-Amz-Signature. The
// request's x-amz-* headers move into the query too; the other headers are signed and
// must be sent. Throws std::invalid_argument unless 1 s <= expires_in <= 7 days.
std::string presign_query(const RequestToSign& request, const Credentials& credentials,
                          const SigningScope& scope, std::chrono::seconds expires_in,
                          const SigningOptions& options = {});

}  // namespace gateway::aws
