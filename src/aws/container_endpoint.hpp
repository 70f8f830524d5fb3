// Where the container credentials come from and how the request proves itself, with the
// SDKs' restrictions: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is a path on the ECS agent
// (http://169.254.170.2); AWS_CONTAINER_CREDENTIALS_FULL_URI may be any https URL, but
// plain http only to this host (127.0.0.0/8, ::1, localhost) or to the ECS and EKS
// agents (169.254.170.2, 169.254.170.23, fd00:ec2::23), so that credentials never
// cross a network unencrypted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

// nullopt when `url` may be asked for credentials, otherwise why not.
std::optional<std::string> container_url_refusal(std::string_view url);

// The URL to ask: the relative URI (which wins, as in the SDKs) on the ECS agent, or
// the full URI once allowed. nullopt when neither variable is set; an error (a reason)
// when the one set is not acceptable.
std::optional<domain::Expected<std::string, std::string>> container_credentials_url(
    const config::EnvMap& env);

// The Authorization header's value: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, read on every
// call because the agent rotates it, else AWS_CONTAINER_AUTHORIZATION_TOKEN; nullopt when
// neither is set. An error when the file cannot be read or the token holds a line break
// (which would let it add headers of its own).
domain::Expected<std::optional<std::string>, std::string> container_authorization(
    const config::EnvMap& env);

}  // namespace gateway::aws
