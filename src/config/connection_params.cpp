#include "config/connection_params.hpp"

#include <algorithm>
#include <boost/url/url.hpp>

#include "config/password_masking.hpp"

namespace gateway::config {

std::optional<std::string_view> find_parameter(const ConnectionParams& params,
                                               std::string_view key) {
    const auto found = std::ranges::find(params.parameters, key, &ConnectionParameter::key);
    if (found == params.parameters.end()) return std::nullopt;
    return std::string_view{found->value};
}

void set_parameter(ConnectionParams& params, std::string key, std::string value) {
    const auto found = std::ranges::find(params.parameters, key, &ConnectionParameter::key);
    if (found != params.parameters.end()) {
        found->value = std::move(value);
    } else {
        params.parameters.push_back({std::move(key), std::move(value)});
    }
}

void append_conninfo(std::string& conninfo, std::string_view key, std::string_view value) {
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += key;
    conninfo += "='";
    for (const char c : value) {
        if (c == '\'' || c == '\\') conninfo += '\\';
        conninfo += c;
    }
    conninfo += '\'';
}

bool is_secret_parameter(std::string_view key) {
    return key == "password" || key == "sslpassword";
}

std::string to_conninfo(const ConnectionParams& params) {
    std::string out;
    if (!params.host.empty()) append_conninfo(out, "host", params.host);
    append_conninfo(out, "port", std::to_string(params.port));
    if (!params.dbname.empty()) append_conninfo(out, "dbname", params.dbname);
    if (!params.user.empty()) append_conninfo(out, "user", params.user);
    if (!params.password.empty()) append_conninfo(out, "password", params.password);
    for (const auto& [key, value] : params.parameters) append_conninfo(out, key, value);
    return out;
}

std::string describe_for_log(const ConnectionParams& params) {
    boost::urls::url url;
    url.set_scheme("postgresql");
    if (!params.user.empty() || !params.password.empty()) {
        url.set_user(params.user);
        if (!params.password.empty()) url.set_password(password_mask);
    }
    // IPv6 gets its brackets; a socket directory is percent-encoded.
    url.set_host_address(params.host);
    url.set_port_number(params.port);
    if (!params.dbname.empty()) url.set_path("/" + params.dbname);
    auto query = url.params(boost::urls::encoding_opts{false, false, false});
    for (const auto& [key, value] : params.parameters) {
        query.append({key, is_secret_parameter(key) ? password_mask : std::string_view{value}});
    }
    return std::string(url.buffer());
}

}  // namespace gateway::config
