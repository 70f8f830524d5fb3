// The fourth source of the chain: the credentials endpoint of an ECS task, an EKS pod
// (Pod Identity) or another container agent, named by the AWS_CONTAINER_* variables.
#include "aws/container_endpoint.hpp"
#include "aws/credential_provider.hpp"
#include "aws/credential_redaction.hpp"
#include "aws/http_client.hpp"
#include "aws/metadata_credentials_json.hpp"
#include "config/env_value.hpp"

namespace gateway::aws {
namespace {

class ContainerProvider final : public CredentialProvider {
  public:
    ContainerProvider(const config::EnvMap& env, const CredentialChainOptions& options)
        : env_(env), options_(options) {}

    std::string_view name() const override { return "container"; }

    ProviderResult resolve() override {
        const auto url = container_credentials_url(env_);
        if (!url) {
            return not_configured(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI "
                "not set");
        }
        // A refused URL is never asked: the refusal is the whole point.
        if (!*url) return failed(url->error());
        const auto authorization = container_authorization(env_);
        if (!authorization) return failed(authorization.error());

        HttpRequest request;
        request.url = url->value();
        request.headers.emplace_back("Accept", "application/json");
        if (*authorization) request.headers.emplace_back("Authorization", **authorization);
        request.connect_timeout = options_.container.connect;
        request.total_timeout = options_.container.total;
        if (const auto bundle = config::lookup(env_, "AWS_CA_BUNDLE")) {
            request.ca_bundle = std::string(*bundle);
        }
        // The URL itself is not repeated: its path names the task's credentials.
        const auto response = perform(request);
        if (!response) {
            return failed(response.error().timed_out
                              ? std::string("the container endpoint timed out")
                              : "the container endpoint could not be reached: " +
                                    response.error().message);
        }
        if (response->status != 200) {
            std::string reason =
                "the container endpoint answered HTTP " + std::to_string(response->status);
            const std::string message = metadata_error_message(response->body);
            if (!message.empty()) {
                reason += ": " + sanitize_remote_text(message, {authorization->value_or("")});
            }
            return failed(std::move(reason));
        }
        auto credentials = parse_metadata_credentials(response->body);
        if (!credentials)
            return failed("unusable answer from the container endpoint: " + credentials.error());
        credentials->provider = std::string(name());
        return std::move(*credentials);
    }

  private:
    const config::EnvMap& env_;
    const CredentialChainOptions& options_;
};

}  // namespace

std::unique_ptr<CredentialProvider> make_container_provider(const config::EnvMap& env,
                                                            const CredentialChainOptions& options) {
    return std::make_unique<ContainerProvider>(env, options);
}

}  // namespace gateway::aws
