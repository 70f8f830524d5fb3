#include "store/pg_text_array.hpp"

#include <cstddef>

namespace gateway::store {
namespace {

bool is_array_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_null_keyword(std::string_view text) {
    constexpr std::string_view kNull = "null";
    if (text.size() != kNull.size()) return false;
    for (std::size_t i = 0; i < kNull.size(); ++i) {
        if ((text[i] | 0x20) != kNull[i]) return false;
    }
    return true;
}

// Reads one element at `at` (just past '{' or ','); leaves `at` on the delimiter after it.
std::optional<std::string> parse_element(std::string_view literal, std::size_t& at) {
    while (at < literal.size() && is_array_space(literal[at])) ++at;
    if (at == literal.size()) return std::nullopt;
    std::string element;
    if (literal[at] == '"') {
        for (++at;; ++at) {
            if (at == literal.size()) return std::nullopt;
            const char c = literal[at];
            if (c == '"') break;
            if (c == '\\') {
                if (++at == literal.size()) return std::nullopt;
            }
            element += literal[at];
        }
        ++at;
        while (at < literal.size() && is_array_space(literal[at])) ++at;
        return element;
    }
    std::size_t start = at;
    for (; at < literal.size() && literal[at] != ',' && literal[at] != '}'; ++at) {
        const char c = literal[at];
        if (c == '"' || c == '{') return std::nullopt;  // nested arrays are not text[] here
        if (c == '\\') {
            if (++at == literal.size()) return std::nullopt;
        }
    }
    // Unquoted: trailing whitespace is not part of the value; escapes are taken literally.
    std::size_t end = at;
    while (end > start && is_array_space(literal[end - 1])) --end;
    if (end == start) return std::nullopt;
    for (std::size_t i = start; i < end; ++i) {
        if (literal[i] == '\\') ++i;
        element += literal[i];
    }
    // An unquoted NULL is SQL NULL, which no column here holds.
    if (is_null_keyword(element)) return std::nullopt;
    return element;
}

}  // namespace

std::string format_text_array(const std::vector<std::string>& elements) {
    std::string literal = "{";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) literal += ',';
        literal += '"';
        for (const char c : elements[i]) {
            if (c == '"' || c == '\\') literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    literal += '}';
    return literal;
}

std::optional<std::vector<std::string>> parse_text_array(std::string_view literal) {
    if (literal.size() < 2 || literal.front() != '{' || literal.back() != '}') return std::nullopt;
    std::vector<std::string> elements;
    if (literal == "{}") return elements;
    std::size_t at = 1;
    for (;;) {
        auto element = parse_element(literal, at);
        if (!element || at == literal.size()) return std::nullopt;
        elements.push_back(std::move(*element));
        if (literal[at] == '}') break;
        if (literal[at] != ',') return std::nullopt;
        ++at;
    }
    if (at + 1 != literal.size()) return std::nullopt;
    return elements;
}

}  // namespace gateway::store
