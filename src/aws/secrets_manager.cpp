#include "aws/secrets_manager.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "aws/base64.hpp"
#include "aws/json_protocol_error.hpp"
#include "aws/sigv4.hpp"

namespace gateway::aws {
namespace {

using Result = domain::Expected<SecretValue, SecretsManagerError>;

constexpr std::string_view kService = "secretsmanager";
constexpr std::string_view kTarget = "secretsmanager.GetSecretValue";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";

// Where requests go and what the signature covers.
struct Endpoint {
    std::string url;   // scheme://host[:port]/path
    std::string host;  // the Host header: host[:port]
    std::string path;  // "/" or the override's base path
};

std::optional<Endpoint> parse_endpoint(std::string_view text) {
    const auto url = boost::urls::parse_absolute_uri(text);
    if (!url || url->encoded_host().empty()) return std::nullopt;
    Endpoint endpoint;
    endpoint.host = std::string(url->encoded_host_and_port());
    endpoint.path = std::string(url->encoded_path());
    if (endpoint.path.empty()) endpoint.path = "/";
    endpoint.url = std::string(url->scheme()) + "://" + endpoint.host + endpoint.path;
    return endpoint;
}

// Whatever a service message may echo, no credential leaves through it.
std::string without_credentials(std::string text, const Credentials& credentials) {
    for (const std::string* secret :
         {&credentials.secret_access_key, &credentials.session_token, &credentials.access_key_id}) {
        if (secret->size() < 4) continue;
        for (auto at = text.find(*secret); at != std::string::npos;
             at = text.find(*secret, at + 3)) {
            text.replace(at, secret->size(), "***");
        }
    }
    return text;
}

std::string with_detail(std::string message, const std::string& detail) {
    if (!detail.empty()) message += " (the service said: " + detail + ")";
    return message;
}

// A refusal the service will repeat, in words that say what to check.
SecretsManagerError refusal(long status, const std::string& type, const std::string& detail,
                            const SecretsManagerOptions& options) {
    SecretsManagerError error{SecretsManagerFailure::invalid_request, type, {}, 0};
    const std::string named = type.empty() ? "HTTP " + std::to_string(status) : type;
    if (type == "ResourceNotFoundException") {
        error.failure = SecretsManagerFailure::not_found;
        error.message = "the secret does not exist in region " + options.region +
                        " (ResourceNotFoundException): check AWS_DB_SECRET / AWS_SECRET_NAME and "
                        "the region";
    } else if (type == "InvalidSignatureException" || type == "IncompleteSignatureException" ||
               type == "SignatureDoesNotMatch") {
        error.failure = SecretsManagerFailure::signature_rejected;
        error.message = "the request signature was rejected (" + named +
                        "): check that the secret access key belongs to the access key id, that "
                        "this machine's clock is right, and that the secret is in region " +
                        options.region;
    } else if (type == "UnrecognizedClientException" || type == "InvalidClientTokenId" ||
               type == "ExpiredTokenException" || type == "ExpiredToken" ||
               type == "MissingAuthenticationToken" ||
               type == "MissingAuthenticationTokenException") {
        error.failure = SecretsManagerFailure::invalid_credentials;
        error.message = "the credentials were not accepted (" + named +
                        "): the access key id or session token is unknown or expired";
    } else if (type == "AccessDeniedException" || (type.empty() && status == 403)) {
        error.failure = SecretsManagerFailure::access_denied;
        error.message = "access denied (" + named +
                        "): the credentials may not call secretsmanager:GetSecretValue on this "
                        "secret, or not decrypt it with its KMS key";
    } else if (type == "DecryptionFailure") {
        error.failure = SecretsManagerFailure::decryption_failed;
        error.message =
            "Secrets Manager could not decrypt the secret (DecryptionFailure): check its KMS key "
            "and the key policy";
    } else if (type == "InvalidRequestException") {
        error.message =
            "the secret cannot be read now (InvalidRequestException): it may be "
            "scheduled for deletion or have no current version";
    } else if (type == "InvalidParameterException") {
        error.message = "the secret id was refused (InvalidParameterException)";
    } else {
        error.message = "GetSecretValue failed (" + named + ")";
    }
    error.message = with_detail(std::move(error.message), detail);
    return error;
}

// A 200 read into a SecretValue.
Result read_secret(const HttpResponse& response) {
    const auto bad = [](std::string why) -> Result {
        return domain::unexpected(
            SecretsManagerError{SecretsManagerFailure::bad_response, {}, std::move(why), 0});
    };
    boost::system::error_code parse_error;
    const auto parsed = boost::json::parse(response.body, parse_error);
    if (parse_error || !parsed.is_object()) {
        return bad("the GetSecretValue answer is not a JSON object");
    }
    const auto& fields = parsed.get_object();
    const auto text = [&fields](std::string_view name) -> std::string {
        const auto* value = fields.if_contains(name);
        return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
    };
    SecretValue secret;
    secret.arn = text("ARN");
    secret.name = text("Name");
    secret.version_id = text("VersionId");
    if (const auto* string = fields.if_contains("SecretString");
        string != nullptr && string->is_string()) {
        secret.value = std::string(string->get_string());
        return secret;
    }
    if (const auto* binary = fields.if_contains("SecretBinary");
        binary != nullptr && binary->is_string()) {
        auto bytes = base64_decode(binary->get_string());
        if (!bytes) return bad("the GetSecretValue answer's SecretBinary is not base64");
        secret.value = std::move(*bytes);
        secret.binary = true;
        return secret;
    }
    return bad("the GetSecretValue answer has neither SecretString nor SecretBinary");
}

HttpRequest signed_request(const Endpoint& endpoint, const std::string& body,
                           const Credentials& credentials, const SecretsManagerOptions& options,
                           std::chrono::system_clock::time_point now) {
    HttpRequest request;
    request.method = "POST";
    request.url = endpoint.url;
    request.headers = {{"host", endpoint.host},
                       {"content-type", std::string(kContentType)},
                       {"x-amz-target", std::string(kTarget)}};
    request.body = body;
    request.connect_timeout = options.connect_timeout;
    request.total_timeout = options.attempt_timeout;
    request.ca_bundle = options.ca_bundle;
    const RequestToSign to_sign{"POST", endpoint.path, "", request.headers, request.body};
    const SigningScope scope{options.region, std::string(kService), now};
    for (auto& header : sign_request(to_sign, credentials, scope)) {
        request.headers.push_back(std::move(header));
    }
    return request;
}

void sleep_for(std::chrono::milliseconds duration) {
    std::this_thread::sleep_for(duration);
}

double uniform_unit() {
    // A fresh engine per draw: retries are rare, and no generator state is shared.
    std::random_device seed;
    std::mt19937_64 engine(seed());
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

std::string secrets_manager_endpoint(std::string_view region,
                                     const std::optional<std::string>& override_url) {
    if (override_url) return *override_url;
    const std::string_view domain =
        region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return "https://secretsmanager." + std::string(region) + "." + std::string(domain);
}

Result get_secret_value(const std::string& secret_id, const Credentials& credentials,
                        const SecretsManagerOptions& options, const SecretsManagerHooks& hooks) {
    const auto send = hooks.send ? hooks.send : perform;
    const auto sleep = hooks.sleep ? hooks.sleep : sleep_for;
    const auto unit_random = hooks.unit_random ? hooks.unit_random : uniform_unit;
    const auto now = hooks.now ? hooks.now : [] { return std::chrono::system_clock::now(); };

    const std::string endpoint_text =
        secrets_manager_endpoint(options.region, options.endpoint_url);
    const auto endpoint = parse_endpoint(endpoint_text);
    if (!endpoint) {
        return domain::unexpected(SecretsManagerError{
            SecretsManagerFailure::unreachable, {}, "the endpoint is not a URL with a host", 0});
    }
    const std::string body = boost::json::serialize(boost::json::object{{"SecretId", secret_id}});

    const int max_attempts = std::max(1, options.retry.max_attempts);
    SecretsManagerError last{SecretsManagerFailure::unreachable, {}, {}, 0};
    for (int attempt = 1;; ++attempt) {
        // Signed afresh for every attempt, as the SDKs do: the date moves on.
        const auto sent = send(signed_request(*endpoint, body, credentials, options, now()));
        RetryKind retry = RetryKind::none;
        if (!sent) {
            retry = RetryKind::transient;
            last = {SecretsManagerFailure::unreachable,
                    {},
                    "could not reach " + endpoint->url + ": " + sent.error().message,
                    attempt};
        } else if (sent->status == 200) {
            auto secret = read_secret(*sent);
            if (!secret) secret.error().attempts = attempt;
            return secret;
        } else {
            const std::string type = json_error_type(*sent);
            const std::string detail = without_credentials(json_error_message(*sent), credentials);
            retry = classify_failure(sent->status, type);
            const std::string named = type.empty() ? "HTTP " + std::to_string(sent->status) : type;
            if (retry == RetryKind::throttling) {
                last = {
                    SecretsManagerFailure::throttled, type,
                    with_detail("Secrets Manager throttled the request (" + named + ")", detail),
                    attempt};
            } else if (retry == RetryKind::transient) {
                last = {SecretsManagerFailure::service_error, type,
                        with_detail("Secrets Manager failed (" + named + ")", detail), attempt};
            } else {
                last = refusal(sent->status, type, detail, options);
                last.attempts = attempt;
                return domain::unexpected(std::move(last));
            }
        }
        if (attempt >= max_attempts) break;
        sleep(backoff_before_retry(options.retry, attempt - 1, retry, unit_random()));
    }
    last.message +=
        " after " + std::to_string(last.attempts) + " attempt" + (last.attempts == 1 ? "" : "s");
    return domain::unexpected(std::move(last));
}

std::string_view failure_name(SecretsManagerFailure failure) {
    switch (failure) {
        case SecretsManagerFailure::not_found:
            return "not_found";
        case SecretsManagerFailure::access_denied:
            return "access_denied";
        case SecretsManagerFailure::invalid_credentials:
            return "invalid_credentials";
        case SecretsManagerFailure::signature_rejected:
            return "signature_rejected";
        case SecretsManagerFailure::decryption_failed:
            return "decryption_failed";
        case SecretsManagerFailure::invalid_request:
            return "invalid_request";
        case SecretsManagerFailure::throttled:
            return "throttled";
        case SecretsManagerFailure::service_error:
            return "service_error";
        case SecretsManagerFailure::unreachable:
            return "unreachable";
        case SecretsManagerFailure::bad_response:
            return "bad_response";
    }
    return "unknown";
}

}  // namespace gateway::aws
