#include "aws/credential_redaction.hpp"

namespace gateway::aws {

std::string key_id_hint(std::string_view access_key_id) {
    constexpr std::size_t kShown = 4;
    // A key this short is not a real one; showing any of it would show most of it.
    if (access_key_id.size() <= kShown * 2) return "...";
    return "..." + std::string(access_key_id.substr(access_key_id.size() - kShown));
}

std::string sanitize_remote_text(std::string_view text,
                                 std::initializer_list<std::string_view> secrets,
                                 std::size_t limit) {
    // Redact before cutting, so that a secret straddling the cut cannot survive in part.
    std::string redacted(text);
    for (const std::string_view secret : secrets) {
        if (secret.empty()) continue;
        for (auto at = redacted.find(secret); at != std::string::npos;
             at = redacted.find(secret, at)) {
            redacted.replace(at, secret.size(), "<redacted>");
            at += std::string_view("<redacted>").size();
        }
    }
    std::string result;
    for (const char c : redacted) {
        if (result.size() == limit) {
            result += "...";
            break;
        }
        const auto byte = static_cast<unsigned char>(c);
        result += (byte < 0x20 || byte == 0x7f) ? ' ' : c;
    }
    return result;
}

}  // namespace gateway::aws
