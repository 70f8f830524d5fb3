// What the metrics listener (METRICS_LISTEN) answers: GET and HEAD /metrics, OPTIONS, and
// 404 or 405 for anything else. The API's routes are not served there.
#pragma once

#include "api/request.hpp"
#include "api/router.hpp"

namespace gateway::api {

Response metrics_listener_answer(const Request& request, const MetricsPage& page);

}  // namespace gateway::api
