#include "aws/sts_endpoint.hpp"

#include <algorithm>

#include "config/env_value.hpp"

namespace gateway::aws {
namespace {

bool is_sts_region_name(std::string_view region) {
    return !region.empty() && std::ranges::all_of(region, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string without_trailing_slashes(std::string_view url) {
    while (url.ends_with('/')) url.remove_suffix(1);
    return std::string(url);
}

}  // namespace

domain::Expected<std::string, std::string> sts_endpoint(const config::EnvMap& env) {
    const auto ignore = config::lookup(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!ignore || !config::iequals(*ignore, "true")) {
        for (const std::string_view name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
            if (const auto url = config::lookup(env, name)) return without_trailing_slashes(*url);
        }
    }
    for (const std::string_view name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        const auto region = config::lookup(env, name);
        if (!region) continue;
        if (!is_sts_region_name(*region)) {
            return domain::unexpected(std::string(name) + " is not a region name");
        }
        // The China regions live in their own partition with its own domain.
        const std::string_view domain =
            region->starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
        return "https://sts." + std::string(*region) + "." + std::string(domain);
    }
    return std::string("https://sts.amazonaws.com");
}

}  // namespace gateway::aws
