#include "api/idempotency_key.hpp"

#include <array>

#include <openssl/evp.h>

namespace gateway::api {
namespace {

constexpr std::string_view kMalformed =
    "Idempotency-Key must be one quoted string (or one token) of 1 to 255 printable ASCII "
    "characters";

domain::Unexpected<std::string> malformed() {
    return domain::unexpected(std::string(kMalformed));
}

// Characters of a bare key: a token's, less the few that would be ambiguous in a list.
bool is_bare_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("-._~:+/=!#$%&'*^`|").find(c) != std::string_view::npos;
}

// RFC 8941 3.3.3: printable ASCII between quotes, with \" and \\ escaped.
domain::Expected<std::string, std::string> parse_sf_string(std::string_view text) {
    std::string key;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 2 >= text.size() || (text[i + 1] != '"' && text[i + 1] != '\\')) {
                return malformed();
            }
            c = text[++i];
        } else if (c == '"' || c < 0x20 || c > 0x7e) {
            return malformed();
        }
        key += c;
    }
    return key;
}

}  // namespace

domain::Expected<std::string, std::string> parse_idempotency_key(std::string_view header) {
    while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) {
        header.remove_prefix(1);
    }
    while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) {
        header.remove_suffix(1);
    }
    std::string key;
    if (header.size() >= 2 && header.front() == '"' && header.back() == '"') {
        auto parsed = parse_sf_string(header);
        if (!parsed) return parsed;
        key = std::move(parsed).value();
    } else {
        for (const char c : header) {
            if (!is_bare_key_char(c)) return malformed();
        }
        key = std::string(header);
    }
    if (key.empty() || key.size() > kMaxIdempotencyKeyLength) {
        return malformed();
    }
    return key;
}

std::string request_fingerprint(const Request& request) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    // Each part is preceded by its length, so that no two requests hash the same input.
    const auto add = [context](std::string_view part) {
        const std::string size = std::to_string(part.size()) + ':';
        EVP_DigestUpdate(context, size.data(), size.size());
        EVP_DigestUpdate(context, part.data(), part.size());
    };
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    add(request.method);
    add(request.target);
    add(request.if_match.value_or(std::string_view("\x01none")));
    add(request.body);
    EVP_DigestFinal_ex(context, digest.data(), &length);
    EVP_MD_CTX_free(context);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(static_cast<std::size_t>(length) * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

}  // namespace gateway::api
