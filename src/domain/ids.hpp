// API identifiers.
#pragma once

#include <string>
#include <string_view>

namespace gateway::domain {

// A random (version 4) UUID in its canonical lower-case form, from OpenSSL's CSPRNG.
std::string new_api_id();

// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool looks_like_uuid(std::string_view text);

}  // namespace gateway::domain
