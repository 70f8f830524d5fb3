#include "config/host_syntax.hpp"

#include <algorithm>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>

namespace gateway::config {
namespace {

bool is_label_char(char c) {
    // Underscores are not DNS-legal but container and service names use them.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool is_host_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    std::string_view last_label;
    while (true) {
        const auto dot = name.find('.');
        const std::string_view label = name.substr(0, dot);
        if (label.empty() || label.size() > 63) return false;
        if (label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(), is_label_char)) return false;
        last_label = label;
        if (dot == std::string_view::npos) break;
        name.remove_prefix(dot + 1);
    }
    return !std::all_of(last_label.begin(), last_label.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::string> normalise_host(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        const std::string_view inner = text.substr(1, text.size() - 2);
        if (boost::urls::parse_ipv6_address(inner)) return std::string(inner);
        return std::nullopt;
    }
    if (boost::urls::parse_ipv6_address(text) || boost::urls::parse_ipv4_address(text)) {
        return std::string(text);
    }
    if (is_host_name(text)) return std::string(text);
    return std::nullopt;
}

bool is_loopback_host(std::string_view host) {
    if (const auto v4 = boost::urls::parse_ipv4_address(host)) return v4->is_loopback();
    if (const auto v6 = boost::urls::parse_ipv6_address(host)) {
        if (v6->is_loopback()) return true;
        // ::ffff:127.x.y.z: the last four bytes are the IPv4 address.
        return v6->is_v4_mapped() && v6->to_bytes()[12] == 127;
    }
    std::string_view name = host;
    if (name.ends_with('.')) name.remove_suffix(1);
    return name.size() == 9 &&
           std::equal(name.begin(), name.end(), "localhost", [](char a, char b) {
               return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
           });
}

}  // namespace gateway::config
