#include "api/metrics_listener.hpp"

#include <boost/url/parse.hpp>

#include "api/errors.hpp"
#include "metrics/exposition.hpp"

namespace gateway::api {

Response metrics_listener_answer(const Request& request, const MetricsPage& page) {
    const auto target = boost::urls::parse_origin_form(request.target);
    if (!target) return error_response(400, "Invalid request target");
    if (target->encoded_path() != "/metrics") return not_found_response();
    Response response;
    response.route = "/metrics";
    if (request.method == "GET" || request.method == "HEAD") {
        response.body = page();
        response.content_type = std::string(metrics::Exposition::content_type);
    } else if (request.method == "OPTIONS") {
        response.status = 204;
        response.content_type.clear();
        response.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
    } else {
        response = method_not_allowed_response("GET, HEAD, OPTIONS");
        response.route = "/metrics";
    }
    return response;
}

}  // namespace gateway::api
