#include "aws/container_endpoint.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/env_value.hpp"

namespace gateway::aws {
namespace {

constexpr std::string_view kEcsAgentBase = "http://169.254.170.2";

// RFC 3986 authority characters; anything else (a backslash, a space) is a URL that
// different parsers read differently, which a security check cannot afford.
bool is_authority_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-._~%!$&'()*+,;=:@[]").find(c) != std::string_view::npos;
}

bool is_allowed_plain_http_host(std::string_view host) {
    if (host.starts_with('[')) {
        const auto address = boost::urls::parse_ipv6_address(host.substr(1, host.size() - 2));
        if (!address) return false;
        const auto agent = boost::urls::parse_ipv6_address("fd00:ec2::23");
        return address->is_loopback() || *address == *agent;
    }
    if (const auto address = boost::urls::parse_ipv4_address(host)) {
        return (address->to_uint() >> 24) == 127 ||
               *address == boost::urls::ipv4_address({169, 254, 170, 2}) ||
               *address == boost::urls::ipv4_address({169, 254, 170, 23});
    }
    return config::iequals(host, "localhost");
}

}  // namespace

std::optional<std::string> container_url_refusal(std::string_view text) {
    // The host is cut out by hand rather than taken from Boost.URL: its 1.81 parser ends
    // a dotted-quad host early, reading "http://127.0.0.1.example.com/" as 127.0.0.1,
    // while libcurl resolves the whole name. The check must see the host curl will use.
    if (!boost::urls::parse_absolute_uri(text)) return std::string("is not an absolute URL");
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) return std::string("has no host");
    const std::string scheme = config::to_lower(text.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return std::string("is neither http nor https");

    std::string_view authority = text.substr(scheme_end + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (!std::ranges::all_of(authority, is_authority_char)) {
        return std::string("is not a well-formed URL");
    }
    const auto at = authority.rfind('@');
    std::string_view host_port =
        at == std::string_view::npos ? authority : authority.substr(at + 1);
    std::string_view host;
    if (host_port.starts_with('[')) {
        const auto close = host_port.find(']');
        if (close == std::string_view::npos) return std::string("is not a well-formed URL");
        host = host_port.substr(0, close + 1);
    } else {
        host = host_port.substr(0, host_port.find(':'));
    }
    const std::string_view port = host_port.substr(host.size());
    if (!port.empty() && (port.front() != ':' || !std::ranges::all_of(port.substr(1), [](char c) {
                              return c >= '0' && c <= '9';
                          }))) {
        return std::string("is not a well-formed URL");
    }
    if (host.empty()) return std::string("has no host");
    if (scheme == "https") return std::nullopt;
    if (is_allowed_plain_http_host(host)) return std::nullopt;
    return std::string(
        "uses plain http to a host other than loopback or the ECS/EKS agent "
        "(169.254.170.2, 169.254.170.23, fd00:ec2::23)");
}

std::optional<domain::Expected<std::string, std::string>> container_credentials_url(
    const config::EnvMap& env) {
    using Result = domain::Expected<std::string, std::string>;
    if (const auto relative = config::lookup(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
        // Without the slash the text would continue the host name, or add user info.
        if (!relative->starts_with('/')) {
            return Result(domain::unexpected(
                std::string("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI does not start with '/'")));
        }
        return Result(std::string(kEcsAgentBase) + std::string(*relative));
    }
    if (const auto full = config::lookup(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        if (auto refusal = container_url_refusal(*full)) {
            return Result(
                domain::unexpected("AWS_CONTAINER_CREDENTIALS_FULL_URI " + std::move(*refusal)));
        }
        return Result(std::string(*full));
    }
    return std::nullopt;
}

domain::Expected<std::optional<std::string>, std::string> container_authorization(
    const config::EnvMap& env) {
    std::optional<std::string> token;
    std::string source;
    if (const auto path = config::lookup(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
        std::ifstream in{std::string(*path), std::ios::binary};
        if (!in.is_open()) {
            return domain::unexpected("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                                      std::string(*path));
        }
        std::ostringstream text;
        text << in.rdbuf();
        token = text.str();
        source = "the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    } else if (const auto value = config::lookup(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        token = std::string(*value);
        source = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    }
    if (token && token->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        return domain::unexpected(source + " contains a line break or NUL");
    }
    return token;
}

}  // namespace gateway::aws
