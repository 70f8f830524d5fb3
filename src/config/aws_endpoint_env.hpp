// The endpoint overrides the AWS SDKs read from the environment: a service-specific
// AWS_ENDPOINT_URL_<SERVICE>, else the global AWS_ENDPOINT_URL, both ignored when
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace gateway::config {

// `service_suffix` is the SDKs' upper-case service id with spaces as underscores, e.g.
// SECRETS_MANAGER. Returns the URL as given (http or https, a host, an optional port and
// base path), nullopt when no override applies. Throws ConfigError, naming the
// variable, for anything else: a typo must not send requests to the public endpoint.
std::optional<std::string> read_aws_endpoint_override(const EnvMap& env,
                                                      std::string_view service_suffix);

}  // namespace gateway::config
