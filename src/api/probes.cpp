#include "api/probes.hpp"

#include "domain/api_json.hpp"

namespace gateway::api {

namespace {

// A probe's answer describes this moment only; no cache may keep it.
Response uncached(unsigned status, std::string body) {
    Response response;
    response.status = status;
    response.body = std::move(body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace

Response liveness_response() {
    return uncached(200, R"({"status":"alive"})");
}

Response readiness_response(const Readiness& readiness) {
    if (readiness.ready) return uncached(200, R"({"status":"ready"})");
    std::string body = R"({"status":"not ready","reason":)";
    domain::append_json_string(body, readiness.reason);
    body += '}';
    return uncached(503, std::move(body));
}

}  // namespace gateway::api
