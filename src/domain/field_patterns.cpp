#include "domain/field_patterns.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

namespace gateway::domain {
namespace {

// Locale-free on purpose: std::isalnum would let the process locale widen the contract.
bool is_ascii_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

template <class Allowed>
bool all_non_empty(std::string_view text, Allowed allowed) {
    return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}

bool is_version_char(char c) {
    return is_ascii_alnum(c) || c == '.' || c == '_' || c == '-';
}

bool is_path_segment_char(char c) {
    return is_version_char(c) || c == '~';
}

}  // namespace

bool is_api_name(std::string_view text) {
    return !text.empty() && is_ascii_alnum(text.front()) &&
           std::all_of(text.begin() + 1, text.end(), is_version_char);
}

bool is_version(std::string_view text) {
    return all_non_empty(text, is_version_char);
}

bool is_tag(std::string_view text) {
    return all_non_empty(text, [](char c) { return is_version_char(c) || c == ':'; });
}

bool is_base_path(std::string_view text) {
    if (text == "/") return true;
    if (text.empty() || text.front() != '/') return false;
    // Each '/' must be followed by a non-empty segment: that rules out "//" and a
    // trailing slash in one check.
    std::size_t at = 0;
    while (at < text.size()) {
        ++at;  // past the '/'
        const std::size_t end = std::min(text.find('/', at), text.size());
        if (!all_non_empty(text.substr(at, end - at), is_path_segment_char)) return false;
        at = end;
    }
    return true;
}

bool is_http_url(std::string_view text) {
    const auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) return false;
    const boost::urls::url_view& url = *parsed;
    const auto scheme = url.scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return false;
    if (!url.has_authority() || url.encoded_host().empty()) return false;
    // port_number() is 0 for an empty or unrepresentable port; an empty port means the
    // scheme's default (RFC 3986 6.2.3), anything else must fit 1..65535.
    if (url.has_port() && !url.port().empty() && url.port_number() == 0) return false;
    return true;
}

}  // namespace gateway::domain
