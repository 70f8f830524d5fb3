// Where STS is reached: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL (unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), then the regional endpoint of AWS_REGION
// or AWS_DEFAULT_REGION, then the global https://sts.amazonaws.com.
#pragma once

#include <string>

#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

// The base URL without a trailing slash; an error (a reason) when the region is not a
// region name, so that it can never change the host's shape.
domain::Expected<std::string, std::string> sts_endpoint(const config::EnvMap& env);

}  // namespace gateway::aws
