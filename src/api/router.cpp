#include "api/router.hpp"

#include <boost/url/parse.hpp>

#include "api/errors.hpp"
#include "api/openapi_document.hpp"

namespace gateway::api {

boost::asio::awaitable<Response> Router::route(const Request& request) {
    auto target = boost::urls::parse_origin_form(request.target);
    if (!target) co_return error_response(400, "Invalid request target");

    const auto segments = target->segments();  // percent-decoded
    const std::string_view method = request.method;
    auto it = segments.begin();
    const std::size_t depth = segments.size();
    if (depth == 0 || (*it).empty()) co_return not_found_response();

    const std::string first = *it;
    if (first == "apis") {
        if (depth == 1) {
            if (method == "GET") co_return co_await apis_.list(target->params());
            if (method == "POST") co_return co_await apis_.create(request);
            co_return method_not_allowed_response("GET, POST");
        }
        if (depth == 2) {
            std::string ref = *std::next(it);
            if (ref.empty()) co_return not_found_response();
            if (method == "GET") co_return co_await apis_.get(std::move(ref));
            if (method == "PUT") co_return co_await apis_.replace(request, std::move(ref));
            if (method == "PATCH") co_return co_await apis_.patch(request, std::move(ref));
            if (method == "DELETE") co_return co_await apis_.remove(request, std::move(ref));
            co_return method_not_allowed_response("GET, PUT, PATCH, DELETE");
        }
        co_return not_found_response();
    }
    if (first == "health") {
        if (depth == 1) {
            if (method != "GET") co_return method_not_allowed_response("GET");
            co_return health_response(co_await database_health_());
        }
        const std::string probe = *std::next(it);  // percent-decoded, like `first`
        if (depth == 2 && probe == "live") {
            if (method != "GET") co_return method_not_allowed_response("GET");
            co_return liveness_response();
        }
        if (depth == 2 && probe == "ready") {
            if (method != "GET") co_return method_not_allowed_response("GET");
            co_return readiness_response(readiness_());
        }
        co_return not_found_response();
    }
    if (depth == 1 && first == "openapi.json") {
        if (method != "GET") co_return method_not_allowed_response("GET");
        Response response;
        response.body = std::string(openapi_document());
        co_return response;
    }
    co_return not_found_response();
}

}  // namespace gateway::api
