// The request and response the handlers see: plain data, no Beast, so the whole
// contract can be exercised as functions without a socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gateway::api {

struct Request {
    std::string_view method;        // "GET", as sent
    std::string_view target;        // origin form: "/apis?limit=3"
    std::string_view content_type;  // empty when absent
    std::optional<std::string_view> if_match;
    // Several lines are joined with ", ", which no single key parses as.
    std::optional<std::string_view> idempotency_key;
    std::optional<std::string_view> authorization;  // Authorization, the first line
    std::optional<std::string_view> api_key;        // X-API-Key, the first line
    std::string_view body;
    // Who makes the request, set by the router before a handler sees it: the name of the
    // key it carried, or "anonymous" where no key is needed. Never the key itself.
    std::string_view actor = "anonymous";
    // The client's address and the id the request goes by (X-Request-ID, sent or made),
    // as the access log has them: what an audit record says of where a change came from.
    std::string_view client_address = "-";
    std::string_view request_id;
};

struct Response {
    unsigned status = 200;
    std::string body;  // empty for 204
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // Location, ETag, Allow, ...
    // The route template that answered ("/apis/{api_id}"), for logs and metrics: a
    // bounded set, unlike raw paths. "-" when no route matched.
    std::string_view route = "-";
    // Request::actor, for the access log; "-" when no key was accepted.
    std::string actor = "-";
    // Why a key was refused (401, 403), for the warning that leaves in the log: never the
    // key, at most its name.
    std::string refused_because;
};

}  // namespace gateway::api
