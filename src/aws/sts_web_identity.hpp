// The STS AssumeRoleWithWebIdentity call on the Query protocol: an unsigned form POST
// (the web identity token is the proof) answered in XML.
#pragma once

#include <string>
#include <string_view>

#include "aws/credential_chain_options.hpp"
#include "aws/credentials.hpp"
#include "aws/http_client.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

struct WebIdentityCall {
    std::string endpoint;  // base URL without trailing slash
    std::string role_arn;
    std::string session_name;
    std::string token;
};

// The form body: Action, Version=2011-06-15, RoleArn, RoleSessionName,
// WebIdentityToken, each value percent-encoded (RFC 3986 unreserved characters kept).
std::string web_identity_form_body(const WebIdentityCall& call);

HttpRequest web_identity_http_request(const WebIdentityCall& call, const StepTimeouts& timeouts);

// The credentials of a successful answer (Credentials/AccessKeyId, SecretAccessKey,
// SessionToken, Expiration), or a reason: the STS error's Code and Message for an
// error answer, what is missing for a malformed one. `token` is redacted from any text
// the reason repeats. The result's provider is left empty.
domain::Expected<Credentials, std::string> parse_web_identity_response(long status,
                                                                       std::string_view body,
                                                                       std::string_view token);

}  // namespace gateway::aws
