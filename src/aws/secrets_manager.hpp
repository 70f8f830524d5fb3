// AWS Secrets Manager's GetSecretValue over its JSON 1.1 protocol: one signed POST to the
// regional endpoint (or the one the environment names), retried as the SDKs' standard
// mode retries. Blocking: callers run it off the server's event loops.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "aws/credentials.hpp"
#include "aws/http_client.hpp"
#include "aws/retry_policy.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

struct SecretValue {
    std::string arn;
    std::string name;
    std::string version_id;
    std::string value;    // the SecretString, or the SecretBinary's decoded bytes
    bool binary = false;  // it came as SecretBinary
};

enum class SecretsManagerFailure {
    not_found,            // ResourceNotFoundException
    access_denied,        // AccessDeniedException: IAM policy, resource policy or KMS key
    invalid_credentials,  // UnrecognizedClientException, InvalidClientTokenId, ExpiredToken...
    signature_rejected,   // InvalidSignatureException, IncompleteSignatureException
    decryption_failed,    // DecryptionFailure: the secret's KMS key
    invalid_request,      // InvalidRequestException, InvalidParameterException, other 4xx
    throttled,            // still throttled after the last attempt
    service_error,        // 5xx after the last attempt
    unreachable,          // no HTTP answer after the last attempt
    bad_response,         // a 200 that is not GetSecretValue's answer
};

struct SecretsManagerError {
    SecretsManagerFailure failure;
    std::string error_type;  // as the service named it; "" below HTTP
    // One clause for a log line: what happened and what to check. Never the secret, the
    // credentials or the signature.
    std::string message;
    int attempts = 0;
};

struct SecretsManagerOptions {
    std::string region;
    std::optional<std::string> endpoint_url;  // overrides https://secretsmanager.<region>...
    std::optional<std::string> ca_bundle;     // AWS_CA_BUNDLE
    // Short: the start and the pool's reconnects wait on this.
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds attempt_timeout{3000};
    RetryPolicy retry;
};

// The outside world the client touches, replaceable in tests.
struct SecretsManagerHooks {
    std::function<domain::Expected<HttpResponse, HttpError>(const HttpRequest&)> send = perform;
    std::function<void(std::chrono::milliseconds)> sleep;        // default: this thread sleeps
    std::function<double()> unit_random;                         // default: uniform in [0, 1)
    std::function<std::chrono::system_clock::time_point()> now;  // default: the system clock
};

// https://secretsmanager.<region>.amazonaws.com (amazonaws.com.cn in China), unless
// `override_url` is given.
std::string secrets_manager_endpoint(std::string_view region,
                                     const std::optional<std::string>& override_url);

domain::Expected<SecretValue, SecretsManagerError> get_secret_value(
    const std::string& secret_id, const Credentials& credentials,
    const SecretsManagerOptions& options, const SecretsManagerHooks& hooks = {});

// A short name for the failure kind, for tests and log fields.
std::string_view failure_name(SecretsManagerFailure failure);

}  // namespace gateway::aws
