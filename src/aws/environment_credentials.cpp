// The first source of the chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and
// optionally AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION.
#include "aws/credential_provider.hpp"
#include "aws/expiration_time.hpp"
#include "config/env_value.hpp"

namespace gateway::aws {
namespace {

class EnvironmentProvider final : public CredentialProvider {
  public:
    EnvironmentProvider(const config::EnvMap& env, const CredentialChainOptions& options)
        : env_(env), options_(options) {}

    std::string_view name() const override { return "environment"; }

    ProviderResult resolve() override {
        const auto key_id = config::lookup(env_, "AWS_ACCESS_KEY_ID");
        const auto secret = config::lookup(env_, "AWS_SECRET_ACCESS_KEY");
        // Half a pair is a leftover more often than a choice: skipped, not fatal, so
        // that the sources below still get their turn.
        if (!key_id && !secret) {
            return not_configured("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set");
        }
        if (!secret) return not_configured("AWS_ACCESS_KEY_ID set without AWS_SECRET_ACCESS_KEY");
        if (!key_id) return not_configured("AWS_SECRET_ACCESS_KEY set without AWS_ACCESS_KEY_ID");

        Credentials credentials;
        credentials.access_key_id = std::string(*key_id);
        credentials.secret_access_key = std::string(*secret);
        credentials.session_token =
            std::string(config::lookup(env_, "AWS_SESSION_TOKEN").value_or(""));
        credentials.provider = std::string(name());
        if (const auto expiration = config::lookup(env_, "AWS_CREDENTIAL_EXPIRATION")) {
            const auto parsed = parse_iso8601(*expiration);
            if (!parsed) return failed("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
            if (*parsed <= options_.clock()) {
                return failed("the credentials expired at " + format_iso8601(*parsed) +
                              " (AWS_CREDENTIAL_EXPIRATION)");
            }
            credentials.expiration = *parsed;
        }
        return credentials;
    }

  private:
    const config::EnvMap& env_;
    const CredentialChainOptions& options_;
};

}  // namespace

std::unique_ptr<CredentialProvider> make_environment_provider(
    const config::EnvMap& env, const CredentialChainOptions& options) {
    return std::make_unique<EnvironmentProvider>(env, options);
}

}  // namespace gateway::aws
