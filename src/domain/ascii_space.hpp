// ASCII whitespace around protocol text (header values, server messages, metadata
// answers): trimmed byte by byte, never by the C locale.
#pragma once

#include <string_view>

namespace gateway::domain {

constexpr bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr std::string_view trim_ascii_space(std::string_view text) {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace gateway::domain
