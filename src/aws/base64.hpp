// Standard base64 (RFC 4648 section 4, with padding), as AWS JSON protocols carry blobs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gateway::aws {

// The bytes `text` encodes; nullopt for characters outside the alphabet, a length that
// is not a multiple of four, or padding anywhere but at the end.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace gateway::aws
