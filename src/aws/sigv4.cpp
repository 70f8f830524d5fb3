#include "aws/sigv4.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "aws/hashing.hpp"
#include "aws/query_parameters.hpp"
#include "aws/signing_headers.hpp"
#include "aws/sigv4_primitives.hpp"
#include "aws/sigv4_steps.hpp"

namespace gateway::aws {
namespace {

// The signer writes these itself; a value the request already carries would be stale
// (date, x-amz-date) or a previous signature (authorization).
void drop_generated_headers(SigningHeaders& headers) {
    headers.erase("authorization");
    headers.erase("x-amz-date");
    headers.erase("date");
}

// The hash the caller stated in x-amz-content-sha256 (S3's UNSIGNED-PAYLOAD, or a hash
// computed while streaming), else the payload's own.
std::string payload_hash(const SigningHeaders& headers, std::string_view payload) {
    if (const auto stated = headers.value("x-amz-content-sha256")) return std::string(*stated);
    return lower_hex(sha256(payload));
}

struct Dates {
    std::string long_date;
    std::string short_date;
};

Dates dates_of(const SigningScope& scope) {
    Dates dates{amz_long_date(scope.time), {}};
    dates.short_date = dates.long_date.substr(0, 8);
    return dates;
}

SigningSteps sign_canonical_request(std::string canonical, const Dates& dates,
                                    const std::string& scope_text, const Credentials& credentials,
                                    const SigningScope& scope) {
    SigningSteps steps;
    steps.canonical_request = std::move(canonical);
    steps.string_to_sign = string_to_sign(dates.long_date, scope_text, steps.canonical_request);
    steps.signature = signature(
        signing_key(credentials.secret_access_key, dates.short_date, scope.region, scope.service),
        steps.string_to_sign);
    return steps;
}

}  // namespace

SignedRequestHeaders sign_request_with_steps(const RequestToSign& request,
                                             const Credentials& credentials,
                                             const SigningScope& scope,
                                             const SigningOptions& options) {
    const Dates dates = dates_of(scope);
    const std::string scope_text = credential_scope(dates.short_date, scope.region, scope.service);

    SigningHeaders headers(request.headers);
    drop_generated_headers(headers);
    SignedRequestHeaders signed_headers;
    auto add = [&](std::string_view name, const std::string& value) {
        headers.set(name, value);
        signed_headers.headers_to_add.emplace_back(std::string(name), value);
    };
    add("x-amz-date", dates.long_date);
    if (!credentials.session_token.empty()) add("x-amz-security-token", credentials.session_token);
    const bool hash_stated = headers.value("x-amz-content-sha256").has_value();
    const std::string hash = payload_hash(headers, request.payload);
    if (!hash_stated && options.add_content_sha256_header) add("x-amz-content-sha256", hash);

    const CanonicalHeaders canonical = headers.canonical();
    signed_headers.steps = sign_canonical_request(
        canonical_request(request.method, canonical_path(request.path, options),
                          QueryParameters::parse(request.query).canonical(), canonical.lines,
                          canonical.signed_headers, hash),
        dates, scope_text, credentials, scope);

    std::string authorization(kSigV4Algorithm);
    authorization.append(" Credential=").append(credentials.access_key_id).append("/");
    authorization.append(scope_text);
    authorization.append(", SignedHeaders=").append(canonical.signed_headers);
    authorization.append(", Signature=").append(signed_headers.steps.signature);
    signed_headers.headers_to_add.emplace_back("authorization", std::move(authorization));
    return signed_headers;
}

PresignedQuery presign_query_with_steps(const RequestToSign& request,
                                        const Credentials& credentials, const SigningScope& scope,
                                        std::chrono::seconds expires_in,
                                        const SigningOptions& options) {
    if (expires_in < std::chrono::seconds(1) || expires_in > kMaxPresignedExpiry) {
        throw std::invalid_argument(
            "a presigned URL must expire between one second and seven days from signing");
    }
    const Dates dates = dates_of(scope);
    const std::string scope_text = credential_scope(dates.short_date, scope.region, scope.service);

    SigningHeaders headers(request.headers);
    // From the request as given: a stated x-amz-content-sha256 counts even though it is
    // about to move into the query.
    const std::string hash = payload_hash(headers, request.payload);
    drop_generated_headers(headers);

    QueryParameters query = QueryParameters::parse(request.query);
    for (auto& [name, value] : headers.take_amz_fields()) query.set(name, std::move(value));
    if (!credentials.session_token.empty()) {
        query.set("X-Amz-Security-Token", credentials.session_token);
    }
    query.set("X-Amz-Algorithm", std::string(kSigV4Algorithm));
    query.set("X-Amz-Credential", credentials.access_key_id + "/" + scope_text);
    query.set("X-Amz-Date", dates.long_date);
    query.set("X-Amz-Expires", std::to_string(expires_in.count()));
    const CanonicalHeaders canonical = headers.canonical();
    query.set("X-Amz-SignedHeaders", canonical.signed_headers);

    PresignedQuery presigned;
    presigned.steps = sign_canonical_request(
        canonical_request(request.method, canonical_path(request.path, options), query.canonical(),
                          canonical.lines, canonical.signed_headers, hash),
        dates, scope_text, credentials, scope);
    query.set("X-Amz-Signature", presigned.steps.signature);
    presigned.query = query.to_query_string();
    return presigned;
}

HttpHeaders sign_request(const RequestToSign& request, const Credentials& credentials,
                         const SigningScope& scope, const SigningOptions& options) {
    return sign_request_with_steps(request, credentials, scope, options).headers_to_add;
}

std::string presign_query(const RequestToSign& request, const Credentials& credentials,
                          const SigningScope& scope, std::chrono::seconds expires_in,
                          const SigningOptions& options) {
    return presign_query_with_steps(request, credentials, scope, expires_in, options).query;
}

}  // namespace gateway::aws
