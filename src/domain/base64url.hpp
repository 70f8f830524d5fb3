// Base64url without padding (RFC 4648 section 5): text that goes into a URL query as is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gateway::domain {

std::string base64url_encode(std::string_view bytes);

// Strict: only the canonical encoding of some byte string is accepted (no padding,
// no other alphabet, no stray bits in the last character), so every byte string
// has exactly one accepted text.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace gateway::domain
