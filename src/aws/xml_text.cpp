#include "aws/xml_text.hpp"

#include <charconv>
#include <cstdint>

namespace gateway::aws {
namespace {

bool is_name_end(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

std::string_view local_name(std::string_view qualified) {
    const auto colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

// The index just past the '>' closing the tag that starts at `at`, skipping quoted
// attribute values; npos when the tag never closes.
std::size_t tag_end(std::string_view xml, std::size_t at) {
    char quote = 0;
    for (; at < xml.size(); ++at) {
        const char c = xml[at];
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return at + 1;
        }
    }
    return std::string_view::npos;
}

// Skips a comment, CDATA section, declaration or processing instruction starting at
// `at` (which holds '<'); returns where scanning resumes, npos when it never ends.
std::size_t skip_markup(std::string_view xml, std::size_t at) {
    const auto skip_to = [&](std::string_view terminator) {
        const auto end = xml.find(terminator, at);
        return end == std::string_view::npos ? end : end + terminator.size();
    };
    if (xml.substr(at).starts_with("<!--")) return skip_to("-->");
    if (xml.substr(at).starts_with("<![CDATA[")) return skip_to("]]>");
    if (xml.substr(at).starts_with("<?")) return skip_to("?>");
    return tag_end(xml, at);
}

struct Tag {
    std::string_view qualified_name;
    bool closing = false;
    bool self_closing = false;
    std::size_t begin = 0;  // index of '<'
    std::size_t end = 0;    // index past '>'
};

// The next start or end tag at or after `at`, skipping every other kind of markup.
std::optional<Tag> next_tag(std::string_view xml, std::size_t at) {
    while (true) {
        at = xml.find('<', at);
        if (at == std::string_view::npos || at + 1 >= xml.size()) return std::nullopt;
        if (xml[at + 1] == '!' || xml[at + 1] == '?') {
            at = skip_markup(xml, at);
            if (at == std::string_view::npos) return std::nullopt;
            continue;
        }
        Tag tag;
        tag.begin = at;
        tag.closing = xml[at + 1] == '/';
        const std::size_t name_start = at + (tag.closing ? 2 : 1);
        std::size_t name_end = name_start;
        while (name_end < xml.size() && !is_name_end(xml[name_end])) ++name_end;
        tag.qualified_name = xml.substr(name_start, name_end - name_start);
        tag.end = tag_end(xml, name_end);
        if (tag.end == std::string_view::npos) return std::nullopt;
        tag.self_closing = !tag.closing && xml[tag.end - 2] == '/';
        return tag;
    }
}

void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

// Decodes one entity reference such as "amp" or "#x41"; false when it is not one.
bool append_entity(std::string& out, std::string_view entity) {
    if (entity == "lt")
        out += '<';
    else if (entity == "gt")
        out += '>';
    else if (entity == "amp")
        out += '&';
    else if (entity == "quot")
        out += '"';
    else if (entity == "apos")
        out += '\'';
    else if (entity.starts_with('#')) {
        const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
        const std::string_view digits = entity.substr(hex ? 2 : 1);
        std::uint32_t code = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
        if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
            code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        append_utf8(out, code);
    } else {
        return false;
    }
    return true;
}

std::string decode_text(std::string_view body) {
    std::string out;
    for (std::size_t at = 0; at < body.size();) {
        if (body.substr(at).starts_with("<![CDATA[")) {
            const auto end = body.find("]]>", at);
            const std::size_t start = at + 9;
            const std::size_t stop = end == std::string_view::npos ? body.size() : end;
            out.append(body.substr(start, stop - start));
            at = end == std::string_view::npos ? body.size() : end + 3;
        } else if (body[at] == '&') {
            const auto semicolon = body.find(';', at);
            if (semicolon != std::string_view::npos &&
                append_entity(out, body.substr(at + 1, semicolon - at - 1))) {
                at = semicolon + 1;
            } else {
                out += body[at++];
            }
        } else {
            out += body[at++];
        }
    }
    const auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

std::optional<std::string_view> xml_element_body(std::string_view xml, std::string_view name) {
    for (auto tag = next_tag(xml, 0); tag; tag = next_tag(xml, tag->end)) {
        if (tag->closing || local_name(tag->qualified_name) != name) continue;
        if (tag->self_closing) return std::string_view{};
        const std::size_t body_start = tag->end;
        int depth = 1;
        for (auto inner = next_tag(xml, body_start); inner; inner = next_tag(xml, inner->end)) {
            if (inner->qualified_name != tag->qualified_name || inner->self_closing) continue;
            depth += inner->closing ? -1 : 1;
            if (depth == 0) return xml.substr(body_start, inner->begin - body_start);
        }
        return std::nullopt;  // never closed: not well-formed
    }
    return std::nullopt;
}

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name) {
    const auto body = xml_element_body(xml, name);
    if (!body) return std::nullopt;
    return decode_text(*body);
}

}  // namespace gateway::aws
