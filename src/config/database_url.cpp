#include "config/database_url.hpp"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <set>
#include <string>

#include "config/env_value.hpp"
#include "config/host_syntax.hpp"
#include "config/libpq_keywords.hpp"
#include "config/settings.hpp"

namespace gateway::config {
namespace {

constexpr std::string_view variable = "DATABASE_URL";
constexpr std::array<std::string_view, 6> ssl_modes{"disable", "allow",     "prefer",
                                                    "require", "verify-ca", "verify-full"};

[[noreturn]] void fail(const std::string& message) {
    throw ConfigError(std::string(variable), message);
}

[[noreturn]] void fail_malformed() {
    fail(
        "expected a URL such as postgresql://user:password@host:5432/dbname "
        "(percent-encode special characters in the user name and password)");
}

bool is_postgres_scheme(std::string_view scheme) {
    const auto plus = scheme.find('+');
    if (plus != std::string_view::npos && plus + 1 == scheme.size()) return false;
    const std::string_view base = scheme.substr(0, plus);
    return iequals(base, "postgresql") || iequals(base, "postgres");
}

// Names from the query are never repeated: a password with an unencoded '?' spills
// into the query string. Where it is and what it resembles is enough to find it.
std::string describe_unknown_parameter(std::size_t position, std::string_view name) {
    std::string message =
        "query parameter " + std::to_string(position) + " is not a libpq connection parameter";
    if (const auto suggestion = closest_libpq_keyword(name)) {
        message += " (did you mean '" + std::string(*suggestion) + "'?)";
    }
    return message;
}

std::uint16_t parse_port(std::string_view text) {
    if (text.empty()) return default_postgres_port;
    const auto port = parse_integer(text, 1, 65535);
    if (!port) fail("expected a port from 1 to 65535");
    return static_cast<std::uint16_t>(*port);
}

// A socket directory (libpq's "host starting with /") is kept as it is.
std::string parse_host_name(std::string_view host) {
    if (host.empty() || host.front() == '/') return std::string(host);
    if (host.find(',') != std::string_view::npos) fail("more than one host is not supported");
    auto normal = normalise_host(host);
    if (!normal) fail("expected a host name, an IPv4 address or a bracketed IPv6 address");
    return std::move(*normal);
}

std::string parse_authority_host(const boost::urls::url_view& url) {
    switch (url.host_type()) {
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::ipv6:
            return url.host_address();
        case boost::urls::host_type::name:
            return parse_host_name(url.host_address());
        default:
            fail("expected a host name, an IPv4 address or a bracketed IPv6 address");
    }
}

std::string ssl_alias_to_sslmode(std::string_view value) {
    if (value == "true") return "require";
    if (value == "false") return "disable";
    if (std::ranges::find(ssl_modes, value) != ssl_modes.end()) return std::string(value);
    fail("parameter 'ssl': expected true, false or an sslmode value");
}

void apply_parameter(ConnectionParams& params, std::string key, std::string value) {
    if (key == "sslmode" && std::ranges::find(ssl_modes, value) == ssl_modes.end()) {
        fail(
            "parameter 'sslmode': expected disable, allow, prefer, require, verify-ca or "
            "verify-full");
    }
    // As in libpq, these override what the URL's authority and path said.
    if (key == "host") {
        params.host = parse_host_name(value);
    } else if (key == "port") {
        params.port = parse_port(value);
    } else if (key == "dbname") {
        params.dbname = std::move(value);
    } else if (key == "user") {
        params.user = std::move(value);
    } else if (key == "password") {
        params.password = std::move(value);
    } else {
        params.parameters.push_back({std::move(key), std::move(value)});
    }
}

void parse_query(const boost::urls::url_view& url, ConnectionParams& params) {
    std::set<std::string, std::less<>> seen;
    std::size_t position = 0;
    // libpq does not read '+' as a space, so neither may we.
    for (const auto& parameter : url.params(boost::urls::encoding_opts{false, false, false})) {
        ++position;
        if (parameter.key.empty()) {
            if (parameter.has_value) {
                fail("query parameter " + std::to_string(position) + " has no name");
            }
            continue;  // "a=1&&b=2"
        }
        std::string key = parameter.key;
        std::string value = parameter.value;
        if (key != "ssl" && !is_libpq_keyword(key)) {
            fail(describe_unknown_parameter(position, key));
        }
        // Past this point the key is a known keyword, safe to repeat.
        if (!parameter.has_value) fail("parameter '" + key + "' has no value");
        if (key == "ssl") {
            key = "sslmode";
            value = ssl_alias_to_sslmode(value);
        }
        if (!seen.insert(key).second) fail("parameter '" + key + "' is given more than once");
        apply_parameter(params, std::move(key), std::move(value));
    }
}

}  // namespace

ConnectionParams parse_database_url(std::string_view text) {
    const auto parsed = boost::urls::parse_uri(text);
    if (!parsed || !parsed->has_authority()) {
        fail_malformed();
    }
    const boost::urls::url_view& url = *parsed;
    if (!is_postgres_scheme(url.scheme())) {
        fail(
            "expected the scheme postgresql:// or postgres://, optionally with a driver "
            "suffix such as postgresql+asyncpg://");
    }
    // Boost.URL lets an unencoded '@' or ',' fall through into the path; either would
    // make us connect somewhere the operator did not mean.
    const std::string_view path = url.encoded_path();
    if (path.find('@') != std::string_view::npos) {
        fail(
            "unexpected '@' after the host; percent-encode '@' in the user name or password "
            "as %40");
    }
    if (!path.empty() && path.front() != '/') {
        if (path.front() == ',') fail("more than one host is not supported");
        fail_malformed();
    }
    if (url.has_fragment()) {
        fail("unexpected '#'; percent-encode '#' in the user name or password as %23");
    }

    ConnectionParams params;
    params.host = parse_authority_host(url);
    if (url.has_port()) params.port = parse_port(url.port());
    if (url.has_userinfo()) {
        params.user = url.user();
        if (url.has_password()) params.password = url.password();
    }
    if (!path.empty()) params.dbname = url.path().substr(1);
    parse_query(url, params);
    if (params.host.empty()) {
        fail("expected a host, as in postgresql://user:password@host:5432/dbname");
    }
    return params;
}

}  // namespace gateway::config
