// The Idempotency-Key request header (IETF httpapi draft "The Idempotency-Key HTTP Header
// Field"): its value, and the fingerprint that tells a retry from another request.
#pragma once

#include <string>
#include <string_view>

#include "api/request.hpp"
#include "domain/expected.hpp"

namespace gateway::api {

// The longest key accepted, in characters.
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

// The key a header value names: a Structured Field string ("...", as the draft defines
// it) or, as many clients send it, the bare characters of a token. The error names
// what is wrong, for a 400.
domain::Expected<std::string, std::string> parse_idempotency_key(std::string_view header);

// Hex SHA-256 of what makes two requests the same: method, target, If-Match and body.
std::string request_fingerprint(const Request& request);

}  // namespace gateway::api
