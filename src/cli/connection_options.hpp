// How the export and import commands reach a running instance: its base URL, the CA
// bundle to verify it with, the API key to present, and the page size to list with.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

// The service's own default listen address.
inline constexpr std::string_view kDefaultInstanceUrl = "http://127.0.0.1:8000";

// The contract's largest page: the fewest round trips.
inline constexpr std::size_t kMaxPageSize = 1000;

// The environment variable whose value is sent as `Authorization: Bearer <key>`.
inline constexpr std::string_view kApiKeyVariable = "GATEWAY_API_KEY";

struct ConnectionOptions {
    std::string base_url{kDefaultInstanceUrl};  // no trailing slash
    std::optional<std::string> ca_file;         // --cacert: PEM bundle instead of the system CAs
    std::optional<std::string> api_key;         // never printed
    std::size_t page_size = kMaxPageSize;       // APIs per GET /apis page
};

// Checks a --url value: an absolute http:// or https:// URL with a host, optionally with a
// path prefix (an instance behind a proxy), and no query, fragment or credentials (a
// password in a URL ends up in shell history and in error messages; the key belongs in
// GATEWAY_API_KEY). Returns it without a trailing slash, or what is wrong with it; the
// problem never repeats the value, which may hold a password.
domain::Expected<std::string, std::string> instance_base_url(std::string_view text);

// The key from GATEWAY_API_KEY, when set and not empty.
std::optional<std::string> api_key_from(const config::EnvMap& env);

}  // namespace gateway::cli
