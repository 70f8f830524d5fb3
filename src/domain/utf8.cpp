#include "domain/utf8.hpp"

namespace gateway::domain {

std::size_t utf8_code_points(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        // Every code point has exactly one byte that is not a continuation byte.
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    }
    return count;
}

std::size_t utf8_sequence_length(std::string_view text) {
    if (text.empty()) return 0;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto in = [](unsigned char b, unsigned char low, unsigned char high) {
        return b >= low && b <= high;
    };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;

    std::size_t length = 0;
    // The second byte's range is narrower for some leads: that is what excludes
    // overlong forms, surrogates and code points above U+10FFFF.
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (in(lead, 0xC2, 0xDF)) {
        length = 2;
    } else if (lead == 0xE0) {
        length = 3;
        second_low = 0xA0;
    } else if (in(lead, 0xE1, 0xEC) || in(lead, 0xEE, 0xEF)) {
        length = 3;
    } else if (lead == 0xED) {
        length = 3;
        second_high = 0x9F;
    } else if (lead == 0xF0) {
        length = 4;
        second_low = 0x90;
    } else if (in(lead, 0xF1, 0xF3)) {
        length = 4;
    } else if (lead == 0xF4) {
        length = 4;
        second_high = 0x8F;
    } else {
        return 0;
    }
    if (text.size() < length) return 0;
    if (!in(byte(1), second_low, second_high)) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (!in(byte(i), 0x80, 0xBF)) return 0;
    }
    return length;
}

}  // namespace gateway::domain
