// Opaque pagination cursors: the position after the last API of a page.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/api.hpp"

namespace gateway::domain {

// Lists are ordered by (created_at, id); a cursor names the last key a page returned,
// so the next page starts strictly after it however rows are added or removed.
struct Cursor {
    Millis created_at = 0;
    std::string id;

    bool operator==(const Cursor&) const = default;
};

std::string encode_cursor(const Cursor& cursor);

// nullopt for anything encode_cursor did not produce (tampered, truncated, garbage).
std::optional<Cursor> decode_cursor(std::string_view text);

}  // namespace gateway::domain
