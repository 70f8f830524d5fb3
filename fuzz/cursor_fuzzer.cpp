// Pagination cursors: any text a client sends as ?cursor=, and any key a page can end on.
// decode_cursor accepts only what encode_cursor produces, so whatever it accepts must
// encode back to the very same text; and every key a page can end on must survive the
// trip.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "domain/cursor.hpp"
#include "domain/ids.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway::domain;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto cursor = decode_cursor(text)) {
        GATEWAY_FUZZ_CHECK(encode_cursor(*cursor) == text);
    }

    // The same bytes read as a key: eight bytes of created_at, the rest an id.
    if (size >= sizeof(Millis)) {
        Cursor key;
        std::memcpy(&key.created_at, data, sizeof(Millis));
        key.id.assign(text.substr(sizeof(Millis)));
        const auto decoded = decode_cursor(encode_cursor(key));
        if (key.created_at >= 0 && looks_like_uuid(key.id)) {
            GATEWAY_FUZZ_CHECK(decoded && *decoded == key);
        } else {
            GATEWAY_FUZZ_CHECK(!decoded);
        }
    }
    return 0;
}
