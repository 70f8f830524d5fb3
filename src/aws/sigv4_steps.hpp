// sign_request and presign_query with what they computed on the way, so tests can check
// each step against the published SigV4 test suite. The signing key is not among them.
#pragma once

#include <chrono>
#include <string>

#include "aws/sigv4.hpp"

namespace gateway::aws {

// The longest a presigned URL may live (seven days); AWS refuses longer ones.
inline constexpr std::chrono::seconds kMaxPresignedExpiry{7 * 24 * 60 * 60};

struct SigningSteps {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
};

struct SignedRequestHeaders {
    HttpHeaders headers_to_add;
    SigningSteps steps;
};

struct PresignedQuery {
    std::string query;
    SigningSteps steps;
};

SignedRequestHeaders sign_request_with_steps(const RequestToSign& request,
                                             const Credentials& credentials,
                                             const SigningScope& scope,
                                             const SigningOptions& options);

PresignedQuery presign_query_with_steps(const RequestToSign& request,
                                        const Credentials& credentials, const SigningScope& scope,
                                        std::chrono::seconds expires_in,
                                        const SigningOptions& options);

}  // namespace gateway::aws
