#include "domain/cursor.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "domain/base64url.hpp"
#include "domain/ids.hpp"

namespace gateway::domain {
namespace {

// The version lets the key or its encoding change later without old cursors being
// misread: a cursor of another version is simply refused.
constexpr std::string_view kVersionPrefix = "1:";

// "1:" + 19 digits + ":" + 36-character id is 58 bytes, 78 characters encoded; anything
// much longer is not ours, and refusing it early bounds the work an attacker can cause.
constexpr std::size_t kMaxEncodedLength = 128;

std::optional<Millis> parse_created_at(std::string_view digits) {
    if (digits.empty()) return std::nullopt;
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    Millis value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

std::string plain_text(const Cursor& cursor) {
    std::string text(kVersionPrefix);
    text += std::to_string(cursor.created_at);
    text += ':';
    text += cursor.id;
    return text;
}

}  // namespace

std::string encode_cursor(const Cursor& cursor) {
    return base64url_encode(plain_text(cursor));
}

std::optional<Cursor> decode_cursor(std::string_view text) {
    if (text.empty() || text.size() > kMaxEncodedLength) return std::nullopt;
    const std::optional<std::string> plain = base64url_decode(text);
    if (!plain) return std::nullopt;

    std::string_view rest = *plain;
    if (rest.substr(0, kVersionPrefix.size()) != kVersionPrefix) return std::nullopt;
    rest.remove_prefix(kVersionPrefix.size());
    const std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::optional<Millis> created_at = parse_created_at(rest.substr(0, colon));
    const std::string_view id = rest.substr(colon + 1);
    if (!created_at || !looks_like_uuid(id)) return std::nullopt;

    Cursor cursor{*created_at, std::string(id)};
    // Leading zeros and the like decode to the same key; only the exact text encode
    // produces is accepted, so a cursor is one key in one spelling.
    if (plain_text(cursor) != *plain) return std::nullopt;
    return cursor;
}

}  // namespace gateway::domain
