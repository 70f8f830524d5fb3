#include "aws/sts_web_identity.hpp"

#include "aws/credential_redaction.hpp"
#include "aws/expiration_time.hpp"
#include "aws/xml_text.hpp"

namespace gateway::aws {
namespace {

void append_percent_encoded(std::string& out, std::string_view value) {
    constexpr char kHex[] = "0123456789ABCDEF";
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
}

std::string sts_error_reason(long status, std::string_view body, std::string_view token) {
    std::string reason = "STS answered HTTP " + std::to_string(status);
    const auto error = xml_element_body(body, "Error");
    const auto code = error ? xml_element_text(*error, "Code") : std::nullopt;
    const auto message = error ? xml_element_text(*error, "Message") : std::nullopt;
    if (code) reason += " " + sanitize_remote_text(*code, {token}, 64);
    if (message) reason += ": " + sanitize_remote_text(*message, {token});
    return reason;
}

}  // namespace

std::string web_identity_form_body(const WebIdentityCall& call) {
    std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
    const std::pair<std::string_view, std::string_view> fields[] = {
        {"RoleArn", call.role_arn},
        {"RoleSessionName", call.session_name},
        {"WebIdentityToken", call.token},
    };
    for (const auto& [name, value] : fields) {
        body += '&';
        body += name;
        body += '=';
        append_percent_encoded(body, value);
    }
    return body;
}

HttpRequest web_identity_http_request(const WebIdentityCall& call, const StepTimeouts& timeouts) {
    HttpRequest request;
    request.method = "POST";
    request.url = call.endpoint + "/";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                       {"Accept", "text/xml"}};
    request.body = web_identity_form_body(call);
    request.connect_timeout = timeouts.connect;
    request.total_timeout = timeouts.total;
    return request;
}

domain::Expected<Credentials, std::string> parse_web_identity_response(long status,
                                                                       std::string_view body,
                                                                       std::string_view token) {
    if (status != 200) return domain::unexpected(sts_error_reason(status, body, token));
    const auto block = xml_element_body(body, "Credentials");
    if (!block) return domain::unexpected(std::string("STS answer has no Credentials element"));

    Credentials credentials;
    const std::pair<std::string_view, std::string*> fields[] = {
        {"AccessKeyId", &credentials.access_key_id},
        {"SecretAccessKey", &credentials.secret_access_key},
        {"SessionToken", &credentials.session_token},
    };
    for (const auto& [name, target] : fields) {
        auto value = xml_element_text(*block, name);
        if (!value || value->empty()) {
            return domain::unexpected("STS answer has no " + std::string(name));
        }
        *target = std::move(*value);
    }
    const auto expiration_text = xml_element_text(*block, "Expiration");
    if (!expiration_text) return domain::unexpected(std::string("STS answer has no Expiration"));
    const auto expiration = parse_iso8601(*expiration_text);
    if (!expiration) {
        return domain::unexpected(std::string("STS answer's Expiration is not an ISO 8601 time"));
    }
    credentials.expiration = *expiration;
    return credentials;
}

}  // namespace gateway::aws
