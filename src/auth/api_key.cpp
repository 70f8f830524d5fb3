#include "auth/api_key.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "domain/base64url.hpp"

namespace gateway::auth {
namespace {

bool is_base64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool is_key_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
    return bytes;
}

}  // namespace

std::optional<Scope> parse_scope(std::string_view text) {
    if (text == "read") return Scope::read;
    if (text == "admin") return Scope::admin;
    return std::nullopt;
}

std::string_view scope_name(Scope scope) {
    return scope == Scope::admin ? "admin" : "read";
}

bool is_key_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    if (name.front() == '.' || name.front() == '_' || name.front() == '-') return false;
    return std::all_of(name.begin(), name.end(), is_key_name_char);
}

std::optional<std::string_view> key_id_of(std::string_view key) {
    if (key.size() != key_length || !key.starts_with(key_prefix)) return std::nullopt;
    const std::string_view rest = key.substr(key_prefix.size());
    if (!std::all_of(rest.begin(), rest.end(), is_base64url_char)) return std::nullopt;
    return rest.substr(0, key_id_length);
}

KeyDigest key_digest(std::string_view salt, std::string_view key) {
    KeyDigest digest{};
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    unsigned int length = 0;
    const bool done =
        context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
        EVP_DigestUpdate(context, salt.data(), salt.size()) == 1 &&
        EVP_DigestUpdate(context, key.data(), key.size()) == 1 &&
        EVP_DigestFinal_ex(context, digest.data(), &length) == 1 && length == digest.size();
    EVP_MD_CTX_free(context);
    if (!done) throw std::runtime_error("SHA-256 failed");
    return digest;
}

NewKey make_key(std::string_view name, Scope scope) {
    if (!is_key_name(name)) {
        throw std::invalid_argument(
            "a key name is 1 to 64 characters of A-Z a-z 0-9 . _ -, starting with a letter or a "
            "digit");
    }
    // 9 and 32 bytes encode to exactly 12 and 43 base64url characters, without padding.
    const std::string id = domain::base64url_encode(random_bytes(9));
    const std::string secret = domain::base64url_encode(random_bytes(32));
    const std::string salt = random_bytes(key_salt_bytes);
    NewKey made;
    made.key = std::string(key_prefix) + id + secret;
    const KeyDigest digest = key_digest(salt, made.key);
    made.line = std::string(name) + ' ' + std::string(scope_name(scope)) + ' ' + id + ' ' +
                domain::base64url_encode(salt) + ' ' +
                domain::base64url_encode(
                    std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
    return made;
}

}  // namespace gateway::auth
