// API keys: their shape, their scopes, and the salted digest the key file keeps instead
// of the key. A key is "gwk_", a public id of 12 base64url characters that finds its
// line in the file, and a secret of 43 (256 random bits) that only its digest matches.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::auth {

// What a key may do: `read` answers GET and HEAD, `admin` everything.
enum class Scope { read, admin };

std::optional<Scope> parse_scope(std::string_view text);
std::string_view scope_name(Scope scope);

// A key's name, as logs and the access log show it: 1 to 64 characters of
// [A-Za-z0-9._-], starting with a letter or a digit, so it can never split a log field.
bool is_key_name(std::string_view name);

inline constexpr std::string_view key_prefix = "gwk_";
inline constexpr std::size_t key_id_length = 12;      // 9 random bytes
inline constexpr std::size_t key_secret_length = 43;  // 32 random bytes
inline constexpr std::size_t key_length = key_prefix.size() + key_id_length + key_secret_length;
inline constexpr std::size_t key_salt_bytes = 16;

// The public id of `key`; nullopt when `key` does not have the shape of a key.
std::optional<std::string_view> key_id_of(std::string_view key);

using KeyDigest = std::array<unsigned char, 32>;

// SHA-256 of the salt and the whole key. The secret is 256 bits from a CSPRNG, so no
// guess can find it and a slow password hash would buy nothing but latency per request.
KeyDigest key_digest(std::string_view salt, std::string_view key);

// A new key and the key file's line for it: "<name> <scope> <id> <salt> <digest>", salt
// and digest in base64url. Throws std::invalid_argument for a bad name and
// std::runtime_error when the random generator fails.
struct NewKey {
    std::string key;
    std::string line;
};
NewKey make_key(std::string_view name, Scope scope);

}  // namespace gateway::auth
