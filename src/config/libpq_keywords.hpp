// The connection keywords the linked libpq understands.
#pragma once

#include <optional>
#include <string_view>

namespace gateway::config {

// Asks libpq itself, so a newer libpq's keywords are accepted without a code change.
bool is_libpq_keyword(std::string_view keyword);

// The keyword a mistyped or mis-cased name most likely meant (at most two edits away).
// Error messages name this suggestion rather than the input, which may be a spilled
// fragment of a password.
std::optional<std::string_view> closest_libpq_keyword(std::string_view name);

}  // namespace gateway::config
