// Decoding PostgreSQL's binary wire format for the column types the service reads.
// Binary results spare the server its text output functions (arrays, uuids,
// timestamps), which dominate the cost of returning a page of rows, and spare us
// parsing them back. Every decoder checks the length it is given and returns nullopt
// for anything that is not a well-formed value of its type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

namespace gateway::db::binary {

// Type OIDs (pg_type.dat), for checking that a column is what the decoder expects.
inline constexpr Oid kBoolOid = 16;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kTextOid = 25;
inline constexpr Oid kTextArrayOid = 1009;
inline constexpr Oid kTimestamptzOid = 1184;
inline constexpr Oid kUuidOid = 2950;

std::optional<bool> decode_bool(std::string_view bytes);
std::optional<std::int32_t> decode_int4(std::string_view bytes);
std::optional<std::int64_t> decode_int8(std::string_view bytes);

// The canonical lower-case 8-4-4-4-12 form.
std::optional<std::string> decode_uuid(std::string_view bytes);

// Milliseconds since the Unix epoch, rounded down; the server sends microseconds
// since 2000-01-01 (integer timestamps, the only kind PostgreSQL 10+ builds).
std::optional<std::int64_t> decode_timestamptz_millis(std::string_view bytes);

// A one-dimensional text[] without NULL elements (or an empty array).
std::optional<std::vector<std::string>> decode_text_array(std::string_view bytes);

}  // namespace gateway::db::binary
