#include "domain/precondition.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace gateway::domain {
namespace {

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
    return text;
}

// Only the tags we hand out can ever equal a revision: a canonical decimal, because
// strong comparison is character by character ("03" is not "3").
std::optional<std::int64_t> revision_of(std::string_view opaque) {
    if (opaque.empty() || (opaque.size() > 1 && opaque.front() == '0')) return std::nullopt;
    if (!std::all_of(opaque.begin(), opaque.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(opaque.data(), opaque.data() + opaque.size(), value);
    if (ec != std::errc{} || end != opaque.data() + opaque.size()) return std::nullopt;
    return value;
}

// One list element, already trimmed: W/"..." or "...". Anything else is malformed.
std::optional<std::int64_t> strong_revision(std::string_view element) {
    if (element.size() < 2 || element.front() != '"' || element.back() != '"') {
        return std::nullopt;  // also covers weak tags, which start with W/
    }
    return revision_of(element.substr(1, element.size() - 2));
}

}  // namespace

std::string etag_for(std::int64_t revision) {
    std::string tag = "\"";
    tag += std::to_string(revision);
    tag += '"';
    return tag;
}

Precondition Precondition::from_if_match(std::string_view header) {
    Precondition result;
    result.set_ = true;
    if (trim_ows(header) == "*") {
        result.any_ = true;
        return result;
    }
    // Split on commas outside quotes: RFC 9110 lets an opaque tag contain a comma.
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= header.size(); ++i) {
        if (i < header.size()) {
            if (header[i] == '"') quoted = !quoted;
            if (header[i] != ',' || quoted) continue;
        }
        if (auto revision = strong_revision(trim_ows(header.substr(start, i - start)))) {
            result.revisions_.push_back(*revision);
        }
        start = i + 1;
    }
    return result;
}

Precondition Precondition::revision(std::int64_t revision) {
    Precondition result;
    result.set_ = true;
    result.revisions_.push_back(revision);
    return result;
}

bool Precondition::admits(std::int64_t current_revision) const {
    if (!set_ || any_) return true;
    return std::find(revisions_.begin(), revisions_.end(), current_revision) != revisions_.end();
}

}  // namespace gateway::domain
