// The Secrets Manager stand-in (tests/aws/node/secrets-manager.mjs) and its control
// endpoint: which secrets it holds, which errors the next requests get, and what it saw.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "support/child_environment.hpp"
#include "support/node_stand_in.hpp"

namespace gateway::test {

// What the stand-in accepts, and what a client signs with. Distinctive values, so that a
// test can search everything the server printed for them.
struct TestAwsCredentials {
    std::string access_key_id = "AKIDGATEWAYTEST0001";
    std::string secret_access_key = "gw-test-secret-key-9f8e7d6c5b4a39281706";
    std::string session_token;  // empty: long-term credentials
};

struct SecretsManagerStats {
    int requests = 0;                   // GetSecretValue requests, signed or not
    int served = 0;                     // answered with a secret
    std::map<std::string, int> errors;  // error type -> how many
};

class SecretsManagerPeer {
  public:
    // `node_dir` is tests/aws/node (the tests get it as GATEWAY_AWS_NODE_DIR).
    SecretsManagerPeer(const std::string& node_dir, std::string region,
                       TestAwsCredentials credentials = {});

    // http://127.0.0.1:<port>
    std::string endpoint() const;
    const std::string& region() const { return region_; }
    const TestAwsCredentials& credentials() const { return credentials_; }

    // Stores a new version of secret `id` (its name); later reads get it.
    void put_secret_string(std::string_view id, std::string_view text);
    void put_secret_binary(std::string_view id, std::string_view bytes);
    // The secret exists, but reading it is denied (AccessDeniedException).
    void put_denied_secret(std::string_view id);
    // The next `count` signed requests fail with `type` and HTTP `status`.
    void fail_next(int count, std::string_view type = "ThrottlingException", int status = 400);

    SecretsManagerStats stats() const;

    // What the server needs to read `secret_id` from here: AWS_DB_SECRET, AWS_REGION,
    // AWS_ENDPOINT_URL_SECRETS_MANAGER and the credentials as AWS_ACCESS_KEY_ID,
    // AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).
    Environment server_environment(std::string_view secret_id) const;

    // Everything the stand-in printed (its errors, if any).
    std::string output() const { return process_.output(); }

  private:
    void control(std::string_view method, std::string_view target, const std::string& body) const;

    std::string region_;
    TestAwsCredentials credentials_;
    NodeStandIn process_;
};

// `bytes` in standard base64 with padding.
std::string base64_encode(std::string_view bytes);

}  // namespace gateway::test
