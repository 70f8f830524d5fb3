#include "aws/hashing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

namespace gateway::aws {

Sha256Digest sha256(std::string_view data) {
    Sha256Digest digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
        length != digest.size()) {
        throw std::runtime_error("SHA-256 failed");
    }
    return digest;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
    Sha256Digest digest{};
    unsigned int length = 0;
    // The key's length is an int in OpenSSL's API; AWS keys are a few dozen bytes.
    if (key.size() > static_cast<std::size_t>(INT_MAX) ||
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(),
             &length) == nullptr ||
        length != digest.size()) {
        // Never the key or the data: either may be a secret.
        throw std::runtime_error("HMAC-SHA-256 failed");
    }
    return digest;
}

std::string lower_hex(std::string_view bytes) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        hex.push_back(kDigits[byte >> 4]);
        hex.push_back(kDigits[byte & 0x0F]);
    }
    return hex;
}

std::string lower_hex(const Sha256Digest& digest) {
    return lower_hex(as_bytes(digest));
}

std::string_view as_bytes(const Sha256Digest& digest) {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace gateway::aws
