#include "config/rds_secret.hpp"

#include <array>
#include <optional>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "config/env_value.hpp"
#include "config/host_syntax.hpp"

namespace gateway::config {
namespace {

using Result = domain::Expected<ConnectionParams, RdsSecretError>;

domain::Unexpected<RdsSecretError> refuse(std::string message) {
    return domain::unexpected(RdsSecretError{std::move(message)});
}

// What the engine field says for the PostgreSQL engines RDS and Aurora know.
bool is_postgres_engine(std::string_view engine) {
    constexpr std::array<std::string_view, 3> known{"postgres", "postgresql", "aurora-postgresql"};
    for (const auto name : known) {
        if (iequals(engine, name)) return true;
    }
    return false;
}

// A field that must be a string when present; a wrong type is an error, so that a secret
// written for something else is not half read.
struct TextField {
    std::optional<std::string> value;
    bool wrong_type = false;
};

TextField text_field(const boost::json::object& secret, std::string_view name) {
    const auto* found = secret.if_contains(name);
    if (found == nullptr || found->is_null()) return {};
    if (!found->is_string()) return {std::nullopt, true};
    const auto& text = found->get_string();
    if (text.empty()) return {};
    return {std::string(text), false};
}

std::string wrong_type(std::string_view field) {
    return "the secret's \"" + std::string(field) + "\" field is not a string";
}

std::optional<std::uint16_t> port_number(const boost::json::value& port) {
    if (port.is_int64()) {
        const auto number = port.get_int64();
        if (number >= 1 && number <= 65535) return static_cast<std::uint16_t>(number);
        return std::nullopt;
    }
    if (port.is_uint64()) {
        const auto number = port.get_uint64();
        if (number >= 1 && number <= 65535) return static_cast<std::uint16_t>(number);
        return std::nullopt;
    }
    if (port.is_string()) {
        if (const auto number = parse_integer(port.get_string(), 1, 65535)) {
            return static_cast<std::uint16_t>(*number);
        }
    }
    return std::nullopt;
}

}  // namespace

Result connection_params_from_rds_secret(std::string_view secret, const AwsDbVariables& fallback,
                                         const std::vector<ConnectionParameter>& ssl) {
    boost::system::error_code error;
    // The parser's message quotes nothing from the text, but its position could point
    // into a password: only the fact is reported.
    const boost::json::value parsed = boost::json::parse(secret, error);
    if (error) return refuse("the secret is not JSON (expected the JSON object RDS writes)");
    if (!parsed.is_object()) {
        return refuse("the secret is JSON but not an object (expected the JSON object RDS writes)");
    }
    const auto& fields = parsed.get_object();

    const auto engine = text_field(fields, "engine");
    if (engine.wrong_type) return refuse(wrong_type("engine"));
    if (engine.value && !is_postgres_engine(*engine.value)) {
        return refuse("the secret's \"engine\" is not PostgreSQL");
    }

    ConnectionParams params;
    const auto username = text_field(fields, "username");
    if (username.wrong_type) return refuse(wrong_type("username"));
    if (!username.value) return refuse("the secret has no \"username\"");
    params.user = *username.value;
    const auto password = text_field(fields, "password");
    if (password.wrong_type) return refuse(wrong_type("password"));
    if (!password.value) return refuse("the secret has no \"password\"");
    params.password = *password.value;

    const auto host = text_field(fields, "host");
    if (host.wrong_type) return refuse(wrong_type("host"));
    if (host.value) {
        const auto normalised = normalise_host(*host.value);
        if (!normalised) return refuse("the secret's \"host\" is not a host name or an IP address");
        params.host = *normalised;
    } else if (fallback.host) {
        params.host = *fallback.host;
    } else {
        return refuse("the secret has no \"host\" and AWS_DB_HOST is not set");
    }

    if (const auto* port = fields.if_contains("port"); port != nullptr && !port->is_null()) {
        const auto number = port_number(*port);
        if (!number) return refuse("the secret's \"port\" is not a port number (1-65535)");
        params.port = *number;
    } else {
        params.port = fallback.port.value_or(default_postgres_port);
    }

    const auto dbname = text_field(fields, "dbname");
    if (dbname.wrong_type) return refuse(wrong_type("dbname"));
    params.dbname = dbname.value.value_or(fallback.name.value_or(std::string(default_aws_db_name)));

    params.parameters = ssl;
    return params;
}

}  // namespace gateway::config
