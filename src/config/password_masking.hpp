// Hiding credentials in connection strings that arrive as text, well-formed or not.
#pragma once

#include <string>
#include <string_view>

namespace gateway::config {

// What stands where a password was.
inline constexpr std::string_view password_mask = "***";

// Replaces the password of a URL (postgresql://user:***@host/db) or of a libpq
// conninfo string (password='***'), and the values of password-like query parameters.
// Text that cannot be parsed unambiguously is masked generously: everything a
// parser could take for a password is hidden, even if that hides more than needed.
std::string mask_password(std::string_view url_or_conninfo);

}  // namespace gateway::config
