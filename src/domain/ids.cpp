#include "domain/ids.hpp"

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <openssl/rand.h>

namespace gateway::domain {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_dash_position(std::size_t i) {
    return i == 8 || i == 13 || i == 18 || i == 23;
}

}  // namespace

std::string new_api_id() {
    std::array<unsigned char, 16> bytes{};
    // Ids are guessable handles to resources otherwise, so they come from the CSPRNG;
    // if that fails the process cannot make ids at all, which is not a request error.
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("the system random number generator failed");
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 9562 variant

    std::string id;
    id.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
        id.push_back(kHexDigits[bytes[i] >> 4]);
        id.push_back(kHexDigits[bytes[i] & 0x0F]);
    }
    return id;
}

bool looks_like_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool ok = is_dash_position(i) ? text[i] == '-' : is_hex_digit(text[i]);
        if (!ok) return false;
    }
    return true;
}

}  // namespace gateway::domain
