// GET /health/live and GET /health/ready: the probes of an orchestrator such as
// Kubernetes. Unlike /health they never touch the database: liveness is answered by
// serving at all, readiness by reading state that its owner keeps up to date.
#pragma once

#include <functional>
#include <string>

#include "api/request.hpp"

namespace gateway::api {

struct Readiness {
    bool ready = false;
    std::string reason;  // why not, when not ready; shown in the 503 body
};

// Whoever owns the server and the storage answers this. It is called on every probe, on
// a worker thread, so it must only read state: never wait, never do I/O.
using ReadinessCheck = std::function<Readiness()>;

// 200 {"status":"alive"}.
Response liveness_response();

// 200 {"status":"ready"}, or 503 {"status":"not ready","reason":"..."}.
Response readiness_response(const Readiness& readiness);

}  // namespace gateway::api
