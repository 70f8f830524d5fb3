// AWS credentials as every provider of the chain yields them. The secret parts are
// never logged: only the access key id's last four characters may be shown.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace gateway::aws {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty for long-term credentials
    // Temporary credentials carry their expiry; long-term ones have none.
    std::optional<std::chrono::system_clock::time_point> expiration;
    std::string provider;  // which provider of the chain produced them, for logs
};

}  // namespace gateway::aws
