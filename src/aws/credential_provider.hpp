// One source of the credential chain. Each provider says either which credentials it
// found or, in one short clause that never holds a secret, why it found none.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "aws/credential_chain_options.hpp"
#include "aws/credentials.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

struct ProviderFailure {
    std::string reason;
    // The provider was set up (its variables or profile keys are present) but could not
    // deliver. The chain stops there, as the SDKs do, rather than fall through to a
    // source the operator did not choose, such as the instance's own role.
    bool configured = false;
};

using ProviderResult = domain::Expected<Credentials, ProviderFailure>;

inline domain::Unexpected<ProviderFailure> not_configured(std::string reason) {
    return {ProviderFailure{std::move(reason), false}};
}

inline domain::Unexpected<ProviderFailure> failed(std::string reason) {
    return {ProviderFailure{std::move(reason), true}};
}

class CredentialProvider {
  public:
    virtual ~CredentialProvider() = default;

    // As it appears in errors and in Credentials::provider: "environment".
    virtual std::string_view name() const = 0;

    // Blocking. The chain calls one provider at a time under its lock, so a provider's
    // own state (the instance metadata token) needs no lock of its own.
    virtual ProviderResult resolve() = 0;
};

// The providers read `env` and `options` on every resolve(); both must outlive them.
std::unique_ptr<CredentialProvider> make_environment_provider(
    const config::EnvMap& env, const CredentialChainOptions& options);
std::unique_ptr<CredentialProvider> make_shared_files_provider(const config::EnvMap& env);
std::unique_ptr<CredentialProvider> make_web_identity_provider(
    const config::EnvMap& env, const CredentialChainOptions& options);
std::unique_ptr<CredentialProvider> make_container_provider(const config::EnvMap& env,
                                                            const CredentialChainOptions& options);
std::unique_ptr<CredentialProvider> make_instance_metadata_provider(
    const config::EnvMap& env, const CredentialChainOptions& options);

}  // namespace gateway::aws
