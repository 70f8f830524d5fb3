#include "api/authentication.hpp"

#include <string>

#include "api/errors.hpp"
#include "domain/ascii_space.hpp"

namespace gateway::api {
namespace {

constexpr std::string_view bearer_challenge = R"(Bearer realm="gateway-api")";

bool is_bearer_scheme(std::string_view scheme) {
    constexpr std::string_view bearer = "bearer";
    if (scheme.size() != bearer.size()) return false;
    for (std::size_t i = 0; i < bearer.size(); ++i) {
        const char c = scheme[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != bearer[i])
            return false;
    }
    return true;
}

// The key a request presents: a Bearer credential (RFC 6750; the scheme in any case),
// else X-API-Key. nullopt when it presents none; an Authorization of another scheme
// (Basic) presents none.
std::optional<std::string_view> presented_key(const Request& request) {
    if (request.authorization) {
        const std::string_view value = domain::trim_ascii_space(*request.authorization);
        const auto space = value.find_first_of(" \t");  // RFC 9110: the scheme, then spaces
        if (is_bearer_scheme(value.substr(0, space))) {
            return space == std::string_view::npos ? std::string_view()
                                                   : domain::trim_ascii_space(value.substr(space));
        }
    }
    if (request.api_key) return domain::trim_ascii_space(*request.api_key);
    return std::nullopt;
}

Response unauthorized(std::string_view detail, std::string_view challenge, std::string because) {
    Response response = error_response(401, detail);
    response.headers.emplace_back("WWW-Authenticate", std::string(challenge));
    response.refused_because = std::move(because);
    return response;
}

}  // namespace

Authentication authenticate(const Request& request, Access access, const auth::KeySet* keys) {
    if (keys == nullptr || access == Access::open) return {};
    const auto presented = presented_key(request);
    if (!presented) {
        return {"-", unauthorized("Not authenticated", bearer_challenge, "no API key")};
    }
    const auth::KeyLookup lookup = keys->find(*presented);
    const auto invalid = [](std::string because) {
        return unauthorized("Invalid API key",
                            R"(Bearer realm="gateway-api", error="invalid_token")",
                            std::move(because));
    };
    switch (lookup.match) {
        case auth::KeyMatch::malformed:
            return {"-", invalid("a malformed API key")};
        case auth::KeyMatch::unknown:
            return {"-", invalid("an unknown API key")};
        case auth::KeyMatch::wrong_secret:
            return {"-", invalid("a wrong secret for API key '" + lookup.entry->name + "'")};
        case auth::KeyMatch::accepted:
            break;
    }
    const auth::KeyEntry& key = *lookup.entry;
    if ((access == Access::write || access == Access::admin) && key.scope != auth::Scope::admin) {
        Response response =
            error_response(403, "This API key has the read scope; this request needs an admin key");
        response.headers.emplace_back(
            "WWW-Authenticate",
            R"(Bearer realm="gateway-api", error="insufficient_scope", scope="admin")");
        response.refused_because = "API key '" + key.name + "' (scope read) tried to " +
                                   (access == Access::write ? "write" : "read the audit trail");
        return {key.name, std::move(response)};
    }
    return {key.name, std::nullopt};
}

}  // namespace gateway::api
