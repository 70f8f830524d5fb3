// SHA-256 and HMAC-SHA-256 (OpenSSL), and lower-case hex: the primitives of SigV4.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace gateway::aws {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);

// `key` is raw bytes of any length (a secret, or the previous step's digest).
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

std::string lower_hex(std::string_view bytes);
std::string lower_hex(const Sha256Digest& digest);

// The digest's bytes as a string, to chain HMACs (each step keys the next).
std::string_view as_bytes(const Sha256Digest& digest);

}  // namespace gateway::aws
