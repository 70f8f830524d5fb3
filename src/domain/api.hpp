// The API resource: one upstream service published through the gateway.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::domain {

// Milliseconds since the Unix epoch, UTC. The contract's timestamps carry milliseconds.
using Millis = std::int64_t;

// The fields a client may write, already validated and normalised
// (methods upper-case). Defaults are the contract's.
struct ApiSpec {
    std::string name;
    std::string description;
    std::string version = "v1";
    std::string base_path;
    std::string upstream_url;
    std::vector<std::string> methods{"GET"};
    bool enabled = true;
    std::string auth_type = "none";
    std::optional<std::int64_t> rate_limit_per_minute;
    std::int64_t timeout_ms = 30000;
    std::vector<std::string> tags;

    bool operator==(const ApiSpec&) const = default;
};

// A stored API: the writable fields plus what the server owns.
struct Api {
    std::string id;  // UUID v4, lower-case
    ApiSpec spec;
    std::int64_t revision = 1;
    Millis created_at = 0;
    Millis updated_at = 0;
    // The representation append_api_json writes, kept by a store that serves the record
    // many times (the mirror): a read then costs a copy of bytes, not a serialisation.
    // Empty means "serialise on demand"; whoever changes a field must clear or renew it.
    std::string json;
};

// Stored APIs are immutable once published; a change makes a new one. Sharing them
// lets readers serialise without copying and without holding a store lock.
using ApiPtr = std::shared_ptr<const Api>;

// Names are unique compared case-insensitively; this is the key they are compared by.
std::string name_key(std::string_view name);

}  // namespace gateway::domain
