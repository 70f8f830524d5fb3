#include "config/aws_endpoint_env.hpp"

#include <boost/url/parse.hpp>

#include "config/env_value.hpp"

namespace gateway::config {
namespace {

bool is_endpoint_url(std::string_view text) {
    const auto url = boost::urls::parse_absolute_uri(text);
    if (!url) return false;
    const auto scheme = to_lower(url->scheme());
    if (scheme != "http" && scheme != "https") return false;
    return !url->encoded_host().empty() && !url->has_userinfo() && !url->has_query() &&
           !url->has_fragment();
}

}  // namespace

std::optional<std::string> read_aws_endpoint_override(const EnvMap& env,
                                                      std::string_view service_suffix) {
    if (read_boolean(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").value_or(false)) {
        return std::nullopt;
    }
    const std::string specific = "AWS_ENDPOINT_URL_" + std::string(service_suffix);
    for (const std::string_view name :
         {std::string_view(specific), std::string_view("AWS_ENDPOINT_URL")}) {
        const auto value = lookup(env, name);
        if (!value) continue;
        if (!is_endpoint_url(*value)) {
            throw ConfigError(std::string(name),
                              "expected an http:// or https:// URL with a host (and optionally "
                              "a port and a path)");
        }
        return std::string(*value);
    }
    return std::nullopt;
}

}  // namespace gateway::config
