#include "aws/metadata_credentials_json.hpp"

#include <boost/json/parse.hpp>

#include "aws/credential_redaction.hpp"
#include "aws/expiration_time.hpp"

namespace gateway::aws {
namespace {

const boost::json::string* string_field(const boost::json::object& object, std::string_view name) {
    const auto* value = object.if_contains(name);
    return value == nullptr ? nullptr : value->if_string();
}

}  // namespace

domain::Expected<Credentials, std::string> parse_metadata_credentials(std::string_view json) {
    boost::system::error_code error;
    const boost::json::value document = boost::json::parse(json, error);
    if (error) return domain::unexpected(std::string("not JSON"));
    const auto* object = document.if_object();
    if (object == nullptr) return domain::unexpected(std::string("not a JSON object"));

    if (const auto* code_value = object->if_contains("Code")) {
        const auto* code = code_value->if_string();
        if (code == nullptr) return domain::unexpected(std::string("Code is not a string"));
        if (*code != "Success") {
            return domain::unexpected("Code is \"" + sanitize_remote_text(*code, {}, 64) + "\"");
        }
    }
    Credentials credentials;
    const std::pair<std::string_view, std::string*> fields[] = {
        {"AccessKeyId", &credentials.access_key_id},
        {"SecretAccessKey", &credentials.secret_access_key},
        {"Token", &credentials.session_token},
    };
    for (const auto& [name, target] : fields) {
        const auto* value = string_field(*object, name);
        if (value == nullptr || value->empty()) {
            return domain::unexpected("no " + std::string(name));
        }
        *target = std::string(*value);
    }
    const auto* expiration_text = string_field(*object, "Expiration");
    if (expiration_text == nullptr) return domain::unexpected(std::string("no Expiration"));
    const auto expiration = parse_iso8601(*expiration_text);
    if (!expiration) return domain::unexpected(std::string("Expiration is not an ISO 8601 time"));
    credentials.expiration = *expiration;
    return credentials;
}

std::string metadata_error_message(std::string_view json) {
    boost::system::error_code error;
    const boost::json::value document = boost::json::parse(json, error);
    const auto* object = error ? nullptr : document.if_object();
    if (object == nullptr) return {};
    for (const std::string_view name : {"message", "Message"}) {
        if (const auto* text = string_field(*object, name)) return sanitize_remote_text(*text);
    }
    return {};
}

}  // namespace gateway::aws
