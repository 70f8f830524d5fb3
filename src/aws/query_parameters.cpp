#include "aws/query_parameters.hpp"

#include <algorithm>
#include <utility>

#include "aws/uri_encoding.hpp"
#include "domain/utf8.hpp"

namespace gateway::aws {
namespace {

bool is_signature_parameter(std::string_view name) {
    constexpr std::string_view kSignature = "x-amz-signature";
    return std::equal(name.begin(), name.end(), kSignature.begin(), kSignature.end(),
                      [](char a, char b) {
                          return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
                      });
}

// JavaScript compares strings by UTF-16 code units, which orders characters above U+FFFF
// (surrogate pairs, D800-DFFF) before U+E000-U+FFFF, unlike UTF-8 byte order. A byte
// that starts no well-formed sequence stands for itself.
std::u16string utf16_code_units(std::string_view utf8) {
    std::u16string units;
    units.reserve(utf8.size());
    while (!utf8.empty()) {
        const std::size_t length = domain::utf8_sequence_length(utf8);
        const auto lead = static_cast<unsigned char>(utf8.front());
        if (length <= 1) {
            units.push_back(lead);
            utf8.remove_prefix(1);
            continue;
        }
        char32_t code_point = lead & (0x7F >> length);
        for (std::size_t i = 1; i < length; ++i) {
            code_point = (code_point << 6) | (static_cast<unsigned char>(utf8[i]) & 0x3F);
        }
        if (code_point >= 0x10000) {
            code_point -= 0x10000;
            units.push_back(static_cast<char16_t>(0xD800 + (code_point >> 10)));
            units.push_back(static_cast<char16_t>(0xDC00 + (code_point & 0x3FF)));
        } else {
            units.push_back(static_cast<char16_t>(code_point));
        }
        utf8.remove_prefix(length);
    }
    return units;
}

}  // namespace

QueryParameters QueryParameters::parse(std::string_view query) {
    QueryParameters parameters;
    while (!query.empty()) {
        const std::size_t ampersand = query.find('&');
        const std::string_view pair = query.substr(0, ampersand);
        query =
            ampersand == std::string_view::npos ? std::string_view{} : query.substr(ampersand + 1);
        if (pair.empty()) continue;
        const std::size_t equals = pair.find('=');
        std::string name = percent_decode(pair.substr(0, equals));
        std::string value = equals == std::string_view::npos
                                ? std::string{}
                                : percent_decode(pair.substr(equals + 1));
        parameters.values_by_name_[std::move(name)].push_back(std::move(value));
    }
    return parameters;
}

void QueryParameters::set(const std::string& name, std::string value) {
    values_by_name_.insert_or_assign(name, std::vector<std::string>{std::move(value)});
}

std::string QueryParameters::canonical() const {
    struct EncodedParameter {
        std::string name;
        std::vector<std::string> pairs;  // "name=value", encoded
    };
    std::vector<EncodedParameter> encoded;
    encoded.reserve(values_by_name_.size());
    for (const auto& [name, values] : values_by_name_) {
        if (is_signature_parameter(name)) continue;
        EncodedParameter parameter{uri_encode(name), {}};
        for (const auto& value : values) {
            parameter.pairs.push_back(parameter.name + '=' + uri_encode(value));
        }
        std::sort(parameter.pairs.begin(), parameter.pairs.end());
        encoded.push_back(std::move(parameter));
    }
    std::sort(encoded.begin(), encoded.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    std::string canonical;
    for (const auto& parameter : encoded) {
        for (const auto& pair : parameter.pairs) {
            if (!canonical.empty()) canonical += '&';
            canonical += pair;
        }
    }
    return canonical;
}

std::string QueryParameters::to_query_string() const {
    std::vector<std::pair<std::u16string, const std::string*>> names;
    names.reserve(values_by_name_.size());
    for (const auto& entry : values_by_name_) {
        names.emplace_back(utf16_code_units(entry.first), &entry.first);
    }
    std::sort(names.begin(), names.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string query;
    for (const auto& [units, name] : names) {
        const std::string encoded_name = uri_encode(*name);
        for (const auto& value : values_by_name_.at(*name)) {
            if (!query.empty()) query += '&';
            query += encoded_name;
            query += '=';
            query += uri_encode(value);
        }
    }
    return query;
}

}  // namespace gateway::aws
