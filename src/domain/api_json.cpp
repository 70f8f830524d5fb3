#include "domain/api_json.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/timestamps.hpp"
#include "domain/utf8.hpp"

namespace gateway::domain {
namespace {

void append_integer(std::string& out, std::int64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            break;
    }
    if (c >= 0x80) {
        // Stored text should always be valid UTF-8; if a byte is not, the response must
        // still be valid JSON, so it becomes U+FFFD as a lenient decoder would show it.
        out += "\\ufffd";
        return;
    }
    constexpr char kHex[] = "0123456789abcdef";
    const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0x0F]};
    out.append(escaped, sizeof escaped);
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) out += ',';
        append_json_string(out, items[i]);
    }
    out += ']';
}

void append_quoted_timestamp(std::string& out, Millis at) {
    // Timestamps are digits and punctuation only: nothing to escape.
    out += '"';
    append_timestamp(out, at);
    out += '"';
}

boost::json::array string_array(const std::vector<std::string>& items) {
    boost::json::array array;
    array.reserve(items.size());
    for (const auto& item : items) array.emplace_back(item);
    return array;
}

std::size_t estimated_size(const ApiSpec& spec) {
    std::size_t size = 400 + spec.name.size() + spec.description.size() + spec.version.size() +
                       spec.base_path.size() + spec.upstream_url.size();
    for (const auto& tag : spec.tags) size += tag.size() + 3;
    return size;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    // Copy runs of bytes that need no escaping in one append; most text is one run.
    std::size_t run_start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const std::size_t length = utf8_sequence_length(text.substr(i)); length != 0) {
                i += length;
                continue;
            }
        }
        out.append(text.data() + run_start, i - run_start);
        append_escape(out, c);
        ++i;
        run_start = i;
    }
    out.append(text.data() + run_start, i - run_start);
    out += '"';
}

void append_api_json(std::string& out, const Api& api) {
    if (!api.json.empty()) {
        out += api.json;
        return;
    }
    const ApiSpec& spec = api.spec;
    out.reserve(out.size() + estimated_size(spec));
    out += "{\"id\":";
    append_json_string(out, api.id);
    out += ",\"name\":";
    append_json_string(out, spec.name);
    out += ",\"description\":";
    append_json_string(out, spec.description);
    out += ",\"version\":";
    append_json_string(out, spec.version);
    out += ",\"base_path\":";
    append_json_string(out, spec.base_path);
    out += ",\"upstream_url\":";
    append_json_string(out, spec.upstream_url);
    out += ",\"methods\":";
    append_string_array(out, spec.methods);
    out += spec.enabled ? ",\"enabled\":true" : ",\"enabled\":false";
    out += ",\"auth_type\":";
    append_json_string(out, spec.auth_type);
    out += ",\"rate_limit_per_minute\":";
    if (spec.rate_limit_per_minute) {
        append_integer(out, *spec.rate_limit_per_minute);
    } else {
        out += "null";
    }
    out += ",\"timeout_ms\":";
    append_integer(out, spec.timeout_ms);
    out += ",\"tags\":";
    append_string_array(out, spec.tags);
    out += ",\"revision\":";
    append_integer(out, api.revision);
    out += ",\"created_at\":";
    append_quoted_timestamp(out, api.created_at);
    out += ",\"updated_at\":";
    append_quoted_timestamp(out, api.updated_at);
    out += '}';
}

std::string api_to_json(const Api& api) {
    std::string out;
    append_api_json(out, api);
    return out;
}

boost::json::object spec_to_json_object(const ApiSpec& spec) {
    boost::json::object object;
    object.reserve(11);
    object["name"] = spec.name;
    object["description"] = spec.description;
    object["version"] = spec.version;
    object["base_path"] = spec.base_path;
    object["upstream_url"] = spec.upstream_url;
    object["methods"] = string_array(spec.methods);
    object["enabled"] = spec.enabled;
    object["auth_type"] = spec.auth_type;
    if (spec.rate_limit_per_minute) {
        object["rate_limit_per_minute"] = *spec.rate_limit_per_minute;
    } else {
        object["rate_limit_per_minute"] = nullptr;
    }
    object["timeout_ms"] = spec.timeout_ms;
    object["tags"] = string_array(spec.tags);
    return object;
}

}  // namespace gateway::domain
