#include "cli/pretty_json.hpp"

#include <algorithm>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace gateway::cli {
namespace {

namespace json = boost::json;

bool is_plain(const json::value& value) {
    return !value.is_object() && !value.is_array();
}

void append_indent(std::string& out, int depth) {
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

void append_pretty(std::string& out, const json::value& value, int depth) {
    if (const auto* object = value.if_object()) {
        if (object->empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        bool first = true;
        for (const auto& member : *object) {
            if (!first) out += ",\n";
            first = false;
            append_indent(out, depth + 1);
            out += json::serialize(json::value(member.key()));
            out += ": ";
            append_pretty(out, member.value(), depth + 1);
        }
        out += '\n';
        append_indent(out, depth);
        out += '}';
        return;
    }
    if (const auto* array = value.if_array()) {
        if (std::all_of(array->begin(), array->end(), is_plain)) {
            out += '[';
            for (std::size_t i = 0; i < array->size(); ++i) {
                if (i != 0) out += ", ";
                out += json::serialize((*array)[i]);
            }
            out += ']';
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < array->size(); ++i) {
            if (i != 0) out += ",\n";
            append_indent(out, depth + 1);
            append_pretty(out, (*array)[i], depth + 1);
        }
        out += '\n';
        append_indent(out, depth);
        out += ']';
        return;
    }
    out += json::serialize(value);
}

}  // namespace

std::string pretty_json(const json::value& value) {
    std::string out;
    append_pretty(out, value, 0);
    out += '\n';
    return out;
}

}  // namespace gateway::cli
