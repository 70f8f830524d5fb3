#include "metrics/exposition.hpp"

#include <charconv>
#include <cmath>

namespace gateway::metrics {

namespace {

std::string_view type_name(MetricType type) {
    switch (type) {
        case MetricType::counter:
            return "counter";
        case MetricType::gauge:
            return "gauge";
        case MetricType::histogram:
            return "histogram";
    }
    return "untyped";
}

// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quote && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[32];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, ec == std::errc{} ? end : buffer);
    }
}

void append_number(std::string& out, std::uint64_t value) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc{} ? end : buffer);
}

}  // namespace

void Exposition::family(std::string_view name, MetricType type, std::string_view help) {
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    append_escaped(text_, help, false);
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += type_name(type);
    text_ += '\n';
}

void Exposition::labels(std::initializer_list<Label> labels, std::string_view extra_name,
                        std::string_view extra_value) {
    if (labels.size() == 0 && extra_name.empty()) return;
    text_ += '{';
    bool first = true;
    const auto append = [&](std::string_view name, std::string_view value) {
        if (!first) text_ += ',';
        first = false;
        text_ += name;
        text_ += "=\"";
        append_escaped(text_, value, true);
        text_ += '"';
    };
    for (const auto& [name, value] : labels) append(name, value);
    if (!extra_name.empty()) append(extra_name, extra_value);
    text_ += '}';
}

void Exposition::sample(std::string_view name, std::initializer_list<Label> labels_of_sample,
                        double value) {
    series(name, labels_of_sample);
    append_number(text_, value);
    text_ += '\n';
}

void Exposition::sample(std::string_view name, std::initializer_list<Label> labels_of_sample,
                        std::uint64_t value) {
    series(name, labels_of_sample);
    append_number(text_, value);
    text_ += '\n';
}

void Exposition::bucket(std::string_view name, std::initializer_list<Label> labels_of_sample,
                        std::string_view le, std::uint64_t count) {
    series(name, labels_of_sample, "_bucket", le);
    append_number(text_, count);
    text_ += '\n';
}

void Exposition::series(std::string_view name, std::initializer_list<Label> labels_of_sample,
                        std::string_view suffix, std::string_view le) {
    text_ += name;
    text_ += suffix;
    if (le.empty()) {
        labels(labels_of_sample);
    } else {
        labels(labels_of_sample, "le", le);
    }
    text_ += ' ';
}

}  // namespace gateway::metrics
