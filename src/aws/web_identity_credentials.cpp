// The third source of the chain: a web identity token (an EKS service account's, or any
// OIDC provider's) exchanged at STS for the role AWS_ROLE_ARN, or the selected
// profile's role_arn with web_identity_token_file. The token file is read again on every
// refresh, because its owner rotates it.
#include <fstream>
#include <sstream>

#include "aws/credential_provider.hpp"
#include "aws/shared_config_files.hpp"
#include "aws/sts_endpoint.hpp"
#include "aws/sts_web_identity.hpp"
#include "config/env_value.hpp"

namespace gateway::aws {
namespace {

struct WebIdentitySetup {
    std::string token_file;
    std::string role_arn;
    std::string session_name;  // empty: one is made up
};

std::string value_or_empty(const ProfileProperties& profile, std::string_view key) {
    const auto found = profile.find(key);
    return found == profile.end() ? std::string() : found->second;
}

// The variables first, then the selected profile, as the SDKs look for them.
domain::Expected<WebIdentitySetup, std::string> find_setup(const config::EnvMap& env) {
    const auto token_file = config::lookup(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    const auto role_arn = config::lookup(env, "AWS_ROLE_ARN");
    if (token_file && role_arn) {
        return WebIdentitySetup{
            std::string(*token_file), std::string(*role_arn),
            std::string(config::lookup(env, "AWS_ROLE_SESSION_NAME").value_or(""))};
    }
    if (token_file) {
        return domain::unexpected(
            std::string("AWS_WEB_IDENTITY_TOKEN_FILE set without AWS_ROLE_ARN"));
    }
    if (role_arn) {
        return domain::unexpected(
            std::string("AWS_ROLE_ARN set without AWS_WEB_IDENTITY_TOKEN_FILE"));
    }
    // A broken or absent file was already reported by the shared files provider.
    const auto profile = load_selected_profile(env);
    if (profile && *profile) {
        WebIdentitySetup setup{value_or_empty(**profile, "web_identity_token_file"),
                               value_or_empty(**profile, "role_arn"),
                               value_or_empty(**profile, "role_session_name")};
        if (!setup.token_file.empty() && !setup.role_arn.empty()) return setup;
    }
    return domain::unexpected(
        std::string("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not set, and the profile has no "
                    "web_identity_token_file with role_arn"));
}

domain::Expected<std::string, std::string> read_token(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) return domain::unexpected("cannot read the token file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return domain::unexpected("cannot read the token file " + path);
    // A JWT has no whitespace; a trailing newline from an editor or `echo` is not part of it.
    std::string token = text.str();
    const auto first = token.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return domain::unexpected("the token file " + path + " is empty");
    return token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
}

class WebIdentityProvider final : public CredentialProvider {
  public:
    WebIdentityProvider(const config::EnvMap& env, const CredentialChainOptions& options)
        : env_(env), options_(options) {}

    std::string_view name() const override { return "web identity"; }

    ProviderResult resolve() override {
        const auto setup = find_setup(env_);
        if (!setup) return not_configured(setup.error());
        auto token = read_token(setup->token_file);
        if (!token) return failed(token.error());
        const auto endpoint = sts_endpoint(env_);
        if (!endpoint) return failed(endpoint.error());

        WebIdentityCall call{*endpoint, setup->role_arn, setup->session_name, std::move(*token)};
        if (call.session_name.empty()) call.session_name = default_session_name();
        HttpRequest request = web_identity_http_request(call, options_.sts);
        if (const auto bundle = config::lookup(env_, "AWS_CA_BUNDLE")) {
            request.ca_bundle = std::string(*bundle);
        }
        const auto response = perform(request);
        if (!response) {
            return failed("STS at " + call.endpoint + ": " +
                          (response.error().timed_out ? "timed out" : response.error().message));
        }
        auto credentials =
            parse_web_identity_response(response->status, response->body, call.token);
        if (!credentials) return failed(credentials.error());
        credentials->provider = std::string(name());
        return std::move(*credentials);
    }

  private:
    // Unique enough to tell sessions apart in CloudTrail, as the SDKs' own defaults are.
    std::string default_session_name() const {
        const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
            options_.clock().time_since_epoch());
        return "gateway-api-" + std::to_string(millis.count());
    }

    const config::EnvMap& env_;
    const CredentialChainOptions& options_;
};

}  // namespace

std::unique_ptr<CredentialProvider> make_web_identity_provider(
    const config::EnvMap& env, const CredentialChainOptions& options) {
    return std::make_unique<WebIdentityProvider>(env, options);
}

}  // namespace gateway::aws
