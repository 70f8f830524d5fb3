#include "cli/connection_options.hpp"

#include <string>
#include <string_view>

#include <boost/url/parse.hpp>

#include "config/env_value.hpp"

namespace gateway::cli {

domain::Expected<std::string, std::string> instance_base_url(std::string_view text) {
    const auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) return domain::unexpected(std::string("is not an absolute URL"));
    const auto& url = *parsed;
    if (url.scheme_id() != boost::urls::scheme::http &&
        url.scheme_id() != boost::urls::scheme::https) {
        return domain::unexpected(std::string("must start with http:// or https://"));
    }
    if (url.has_userinfo()) {
        return domain::unexpected(
            std::string("must not hold credentials (set GATEWAY_API_KEY instead)"));
    }
    if (url.encoded_host().empty()) return domain::unexpected(std::string("has no host"));
    // parse_absolute_uri already refuses a fragment.
    if (url.has_query()) return domain::unexpected(std::string("must not have a query"));
    std::string base(text);
    while (base.ends_with('/')) base.pop_back();
    return base;
}

std::optional<std::string> api_key_from(const config::EnvMap& env) {
    const auto value = config::lookup(env, kApiKeyVariable);
    if (!value) return std::nullopt;
    return std::string(*value);
}

}  // namespace gateway::cli
