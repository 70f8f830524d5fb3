// The second source of the chain: static keys of the selected profile in the shared
// credentials and config files. Profiles that get their credentials some other way
// (assumed roles, SSO, credential_process) are out of scope and skipped with a reason;
// a profile for web identity is left to the web identity provider.
#include "aws/credential_provider.hpp"
#include "aws/shared_config_files.hpp"

namespace gateway::aws {
namespace {

const std::string* find_key(const ProfileProperties& profile, std::string_view key) {
    const auto found = profile.find(key);
    return found == profile.end() || found->second.empty() ? nullptr : &found->second;
}

class SharedFilesProvider final : public CredentialProvider {
  public:
    explicit SharedFilesProvider(const config::EnvMap& env) : env_(env) {}

    std::string_view name() const override { return "shared files"; }

    ProviderResult resolve() override {
        const auto locations = shared_file_locations(env_);
        if (!locations) return not_configured(locations.error());
        // A file that exists but cannot be read or parsed is a broken setup, not an
        // absent one: the SDKs fail on it too.
        const auto profiles = load_shared_profiles(*locations);
        if (!profiles) return failed(profiles.error());
        const std::string profile_name = selected_profile_name(env_);
        const auto found = profiles->find(profile_name);
        if (found == profiles->end()) {
            return not_configured("no profile \"" + profile_name + "\" in " +
                                  locations->credentials_file + " or " + locations->config_file);
        }
        return from_profile(profile_name, found->second);
    }

  private:
    ProviderResult from_profile(const std::string& profile_name, const ProfileProperties& profile) {
        const std::string which = "profile \"" + profile_name + "\"";
        // A role in the profile takes precedence over keys in it, as in the SDKs.
        if (find_key(profile, "role_arn") != nullptr) {
            if (find_key(profile, "web_identity_token_file") != nullptr) {
                return not_configured(which +
                                      " uses web identity (role_arn with "
                                      "web_identity_token_file)");
            }
            return not_configured(which + " assumes a role (role_arn): not supported");
        }
        const auto* key_id = find_key(profile, "aws_access_key_id");
        const auto* secret = find_key(profile, "aws_secret_access_key");
        if (key_id != nullptr && secret != nullptr) {
            Credentials credentials;
            credentials.access_key_id = *key_id;
            credentials.secret_access_key = *secret;
            if (const auto* token = find_key(profile, "aws_session_token")) {
                credentials.session_token = *token;
            }
            credentials.provider = std::string(name());
            return credentials;
        }
        if (key_id != nullptr) {
            return not_configured(which + " has aws_access_key_id without aws_secret_access_key");
        }
        if (secret != nullptr) {
            return not_configured(which + " has aws_secret_access_key without aws_access_key_id");
        }
        if (find_key(profile, "credential_process") != nullptr) {
            return not_configured(which + " uses credential_process: not supported");
        }
        if (find_key(profile, "sso_session") != nullptr ||
            find_key(profile, "sso_start_url") != nullptr) {
            return not_configured(which + " uses IAM Identity Center (sso_*): not supported");
        }
        return not_configured(which + " has no aws_access_key_id and aws_secret_access_key");
    }

    const config::EnvMap& env_;
};

}  // namespace

std::unique_ptr<CredentialProvider> make_shared_files_provider(const config::EnvMap& env) {
    return std::make_unique<SharedFilesProvider>(env);
}

}  // namespace gateway::aws
