// The AWS SDKs' default credential provider chain: environment, shared files, web
// identity (STS), container credentials, EC2 instance metadata (IMDSv2), tried in that
// order. The first provider that yields credentials wins; temporary credentials are
// cached and refreshed before they expire.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "aws/credential_chain_options.hpp"
#include "aws/credentials.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

// Why no provider yielded credentials: one short clause per provider tried, never a
// secret (e.g. "environment: AWS_ACCESS_KEY_ID not set; ...; instance metadata: timed out").
struct CredentialsError {
    std::string message;
};

class CredentialChain {
  public:
    // Reads nothing yet: providers are consulted on the first get().
    explicit CredentialChain(config::EnvMap env);
    // The same with another clock or other timeouts (tests move the clock, shorten waits).
    CredentialChain(config::EnvMap env, CredentialChainOptions options);
    ~CredentialChain();
    CredentialChain(const CredentialChain&) = delete;
    CredentialChain& operator=(const CredentialChain&) = delete;

    // Blocking (network for STS, container and instance metadata: each step bounded by a
    // short timeout) and thread-safe. Cached credentials are returned while they are
    // more than a few minutes from expiry.
    domain::Expected<Credentials, CredentialsError> get();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace gateway::aws
