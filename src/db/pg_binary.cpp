#include "db/pg_binary.hpp"

#include <array>
#include <cstring>

namespace gateway::db::binary {
namespace {

// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch.
constexpr std::int64_t kPostgresEpochMicros = 946'684'800'000'000;

// Network byte order, read without alignment assumptions.
template <class T>
T read_big_endian(const char* data) {
    std::make_unsigned_t<T> value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        value = static_cast<std::make_unsigned_t<T>>((value << 8) |
                                                     static_cast<unsigned char>(data[i]));
    }
    return static_cast<T>(value);
}

// Consumes a big-endian integer from the front of `bytes`.
template <class T>
std::optional<T> take(std::string_view& bytes) {
    if (bytes.size() < sizeof(T)) return std::nullopt;
    const T value = read_big_endian<T>(bytes.data());
    bytes.remove_prefix(sizeof(T));
    return value;
}

}  // namespace

std::optional<bool> decode_bool(std::string_view bytes) {
    if (bytes.size() != 1) return std::nullopt;
    return bytes[0] != 0;
}

std::optional<std::int32_t> decode_int4(std::string_view bytes) {
    if (bytes.size() != 4) return std::nullopt;
    return read_big_endian<std::int32_t>(bytes.data());
}

std::optional<std::int64_t> decode_int8(std::string_view bytes) {
    if (bytes.size() != 8) return std::nullopt;
    return read_big_endian<std::int64_t>(bytes.data());
}

std::optional<std::string> decode_uuid(std::string_view bytes) {
    if (bytes.size() != 16) return std::nullopt;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    text.reserve(36);
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
        const auto byte = static_cast<unsigned char>(bytes[i]);
        text.push_back(kHex[byte >> 4]);
        text.push_back(kHex[byte & 0x0f]);
    }
    return text;
}

std::optional<std::int64_t> decode_timestamptz_millis(std::string_view bytes) {
    const auto micros = decode_int8(bytes);
    if (!micros) return std::nullopt;
    // ±infinity are the extremes of int64; no API carries them.
    if (*micros == INT64_MAX || *micros == INT64_MIN) return std::nullopt;
    const std::int64_t since_unix = *micros + kPostgresEpochMicros;
    std::int64_t millis = since_unix / 1000;
    if (since_unix % 1000 < 0) --millis;  // round toward the past, as a clock does
    return millis;
}

// array_send: ndim, has-nulls flag, element type, then per dimension its length and
// lower bound, then per element its length (-1 for NULL) and bytes.
std::optional<std::vector<std::string>> decode_text_array(std::string_view bytes) {
    const auto dimensions = take<std::int32_t>(bytes);
    const auto has_nulls = take<std::int32_t>(bytes);
    const auto element_type = take<std::uint32_t>(bytes);
    if (!dimensions || !has_nulls || !element_type) return std::nullopt;
    std::vector<std::string> elements;
    if (*dimensions == 0) {
        if (!bytes.empty()) return std::nullopt;
        return elements;
    }
    if (*dimensions != 1 || *has_nulls != 0 || *element_type != kTextOid) return std::nullopt;
    const auto length = take<std::int32_t>(bytes);
    const auto lower_bound = take<std::int32_t>(bytes);
    if (!length || !lower_bound || *length < 0) return std::nullopt;
    // Each element needs at least its 4-byte length, which bounds a hostile count.
    if (static_cast<std::size_t>(*length) > bytes.size() / 4) return std::nullopt;
    elements.reserve(static_cast<std::size_t>(*length));
    for (std::int32_t i = 0; i < *length; ++i) {
        const auto size = take<std::int32_t>(bytes);
        if (!size || *size < 0 || static_cast<std::size_t>(*size) > bytes.size()) {
            return std::nullopt;
        }
        elements.emplace_back(bytes.substr(0, static_cast<std::size_t>(*size)));
        bytes.remove_prefix(static_cast<std::size_t>(*size));
    }
    if (!bytes.empty()) return std::nullopt;
    return elements;
}

}  // namespace gateway::db::binary
