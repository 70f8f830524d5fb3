// Whether a request may do what it asks: the key it carries (Authorization: Bearer, or
// X-API-Key) against the keys in use, and the key's scope against what the route needs.
#pragma once

#include <optional>
#include <string_view>

#include "api/request.hpp"
#include "auth/key_set.hpp"

namespace gateway::api {

// What a route and method need: nothing, a key with the read scope, or an admin key (to
// write, or to read what only an administrator may: the audit trail).
enum class Access { open, read, write, admin };

struct Authentication {
    // The accepted key's name (it views the key set, which the caller keeps alive), or
    // "anonymous" when no key was needed.
    std::string_view actor = "anonymous";
    // 401 (no key, or a wrong one) with WWW-Authenticate, or 403 (a read key writing, or
    // reading the audit trail),
    // with Response::refused_because set; nullopt when the request may go on.
    std::optional<Response> refusal;
};

// `keys` is null when no key file is configured: then every request goes on.
Authentication authenticate(const Request& request, Access access, const auth::KeySet* keys);

}  // namespace gateway::api
