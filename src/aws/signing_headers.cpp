#include "aws/signing_headers.hpp"

#include <algorithm>
#include <array>

namespace gateway::aws {
namespace {

std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return lower;
}

std::string_view trim_spaces_and_tabs(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

// Headers a proxy or the HTTP stack may add, drop or rewrite on the way, so a signature
// over them would break: the AWS SDKs never sign these.
bool is_unsignable(std::string_view lower_case_name) {
    static constexpr std::array<std::string_view, 15> kNeverSigned = {
        "authorization", "cache-control",     "connection", "expect",     "from",
        "keep-alive",    "max-forwards",      "pragma",     "referer",    "te",
        "trailer",       "transfer-encoding", "upgrade",    "user-agent", "x-amzn-trace-id"};
    return std::find(kNeverSigned.begin(), kNeverSigned.end(), lower_case_name) !=
               kNeverSigned.end() ||
           lower_case_name.starts_with("proxy-") || lower_case_name.starts_with("sec-");
}

// Line breaks become spaces, every run of spaces and tabs one space, and the ends lose
// their space: a value folded over lines, or re-spaced by a proxy, signs the same.
std::string canonical_value(std::string_view value) {
    std::string folded;
    folded.reserve(value.size());
    for (const char c : value) {
        const bool blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (!blank) {
            folded.push_back(c);
        } else if (folded.empty() || folded.back() != ' ') {
            folded.push_back(' ');
        }
    }
    if (!folded.empty() && folded.front() == ' ') folded.erase(0, 1);
    if (!folded.empty() && folded.back() == ' ') folded.pop_back();
    return folded;
}

}  // namespace

SigningHeaders::SigningHeaders(const HttpHeaders& headers) {
    for (const auto& [name, value] : headers) {
        const std::string_view trimmed = trim_spaces_and_tabs(value);
        const auto [field, inserted] =
            fields_.try_emplace(ascii_lower(name), Field{name, std::string(trimmed)});
        if (!inserted) {
            field->second.value += ',';
            field->second.value += trimmed;
        }
    }
}

std::optional<std::string_view> SigningHeaders::value(std::string_view lower_case_name) const {
    const auto field = fields_.find(lower_case_name);
    if (field == fields_.end()) return std::nullopt;
    return field->second.value;
}

void SigningHeaders::set(std::string_view lower_case_name, std::string value) {
    const auto field = fields_.find(lower_case_name);
    if (field != fields_.end()) {
        field->second.value = std::move(value);
    } else {
        const std::string name(lower_case_name);
        fields_.emplace(name, Field{name, std::move(value)});
    }
}

void SigningHeaders::erase(std::string_view lower_case_name) {
    const auto field = fields_.find(lower_case_name);
    if (field != fields_.end()) fields_.erase(field);
}

std::vector<std::pair<std::string, std::string>> SigningHeaders::take_amz_fields() {
    std::vector<std::pair<std::string, std::string>> taken;
    for (auto field = fields_.begin(); field != fields_.end();) {
        if (field->first.starts_with("x-amz-")) {
            taken.emplace_back(std::move(field->second.name), std::move(field->second.value));
            field = fields_.erase(field);
        } else {
            ++field;
        }
    }
    return taken;
}

CanonicalHeaders SigningHeaders::canonical() const {
    CanonicalHeaders canonical;
    for (const auto& [lower_case_name, field] : fields_) {
        if (is_unsignable(lower_case_name)) continue;
        if (!canonical.signed_headers.empty()) {
            canonical.lines += '\n';
            canonical.signed_headers += ';';
        }
        canonical.lines += lower_case_name;
        canonical.lines += ':';
        canonical.lines += canonical_value(field.value);
        canonical.signed_headers += lower_case_name;
    }
    return canonical;
}

}  // namespace gateway::aws
