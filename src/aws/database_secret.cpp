#include "aws/database_secret.hpp"

#include "config/rds_secret.hpp"

namespace gateway::aws {

domain::Expected<DatabaseSecret, DatabaseSecretError> fetch_database_secret(
    const config::SecretsManagerSource& source, CredentialChain& credentials,
    const SecretsManagerHooks& hooks) {
    const auto fail = [](std::string message) {
        return domain::unexpected(DatabaseSecretError{std::move(message)});
    };
    if (!source.region) {
        return fail(
            "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or name the secret by its "
            "ARN");
    }
    auto signer = credentials.get();
    if (!signer) return fail("no AWS credentials: " + signer.error().message);

    SecretsManagerOptions options;
    options.region = *source.region;
    options.endpoint_url = source.endpoint_url;
    options.ca_bundle = source.ca_bundle;
    auto secret = get_secret_value(source.secret_id, *signer, options, hooks);
    if (!secret) return fail(std::move(secret.error().message));

    auto params =
        config::connection_params_from_rds_secret(secret->value, source.fallback, source.ssl);
    if (!params) return fail(std::move(params.error().message));
    return DatabaseSecret{std::move(*params), std::move(secret->version_id), signer->provider};
}

}  // namespace gateway::aws
