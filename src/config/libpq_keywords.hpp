// The connection keywords the linked libpq understands.
#pragma once

#include <string_view>

namespace gateway::config {

// Asks libpq itself, so a newer libpq's keywords are accepted without a code change.
bool is_libpq_keyword(std::string_view keyword);

}  // namespace gateway::config
