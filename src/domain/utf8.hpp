// UTF-8 measurements the contract needs.
#pragma once

#include <cstddef>
#include <string_view>

namespace gateway::domain {

// The contract's lengths count characters, as the Python service's len() did, so a
// multi-byte character must not use up more of a limit than an ASCII one.
std::size_t utf8_code_points(std::string_view text);

// Length of the well-formed UTF-8 sequence at the start of `text` (Unicode table 3-7),
// or 0 when it is malformed, overlong, a surrogate or truncated.
std::size_t utf8_sequence_length(std::string_view text);

}  // namespace gateway::domain
