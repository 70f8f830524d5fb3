// The shapes the contract gives the API's text fields, as plain character checks.
// Lengths are checked separately (they count characters); these check shape only.
#pragma once

#include <string_view>

namespace gateway::domain {

bool is_api_name(std::string_view text);   // ^[A-Za-z0-9][A-Za-z0-9._-]*$
bool is_version(std::string_view text);    // ^[A-Za-z0-9._-]+$
bool is_tag(std::string_view text);        // ^[A-Za-z0-9._:-]+$
bool is_base_path(std::string_view text);  // "/" or "/seg(/seg)*", seg = [A-Za-z0-9._~-]+

// Absolute http:// or https:// URL (scheme in any case) with a non-empty host and,
// when a port is given, one that can be connected to.
bool is_http_url(std::string_view text);

}  // namespace gateway::domain
