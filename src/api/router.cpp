#include "api/router.hpp"

#include <optional>
#include <string>

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>

#include "api/errors.hpp"
#include "api/openapi_document.hpp"
#include "api/route_templates.hpp"
#include "metrics/exposition.hpp"

namespace gateway::api {

namespace {

// What a path names, and the methods it answers (its Allow header): HEAD wherever GET,
// OPTIONS everywhere.
// In the order of route_templates, which names them.
enum class Resource {
    collection,
    api,
    health,
    live,
    ready,
    openapi,
    journal_conflicts,
    metrics,
    audit
};

std::string_view template_of(Resource resource) {
    return route_templates[static_cast<std::size_t>(resource)];
}

std::string_view allowed_methods(Resource resource) {
    switch (resource) {
        case Resource::collection:
            return "GET, HEAD, POST, OPTIONS";
        case Resource::api:
            return "GET, HEAD, PUT, PATCH, DELETE, OPTIONS";
        case Resource::health:
        case Resource::live:
        case Resource::ready:
        case Resource::openapi:
        case Resource::journal_conflicts:
        case Resource::metrics:
        case Resource::audit:
            break;
    }
    return "GET, HEAD, OPTIONS";
}

// Who may use a resource; the one place that says which routes need a key.
enum class Guard {
    open,   // the probes: an orchestrator has no key
    key,    // the APIs and the journal's conflicts (they show API data)
    docs,   // open unless API_KEYS_PROTECT_DOCS: the OpenAPI document and the metrics
    admin,  // an admin key even to read: the audit trail (who changed what, from where)
};

Guard guard_of(Resource resource) {
    switch (resource) {
        case Resource::collection:
        case Resource::api:
        case Resource::journal_conflicts:
            return Guard::key;
        case Resource::openapi:
        case Resource::metrics:
            return Guard::docs;
        case Resource::audit:
            return Guard::admin;
        case Resource::health:
        case Resource::live:
        case Resource::ready:
            break;
    }
    return Guard::open;
}

// `method` with HEAD already read as GET. OPTIONS reveals only the Allow list, which the
// OpenAPI document publishes anyway, so a CORS preflight (which carries no credentials)
// is answered without a key.
Access access_needed(Resource resource, std::string_view method, bool protect_docs) {
    if (method == "OPTIONS") return Access::open;
    const Guard guard = guard_of(resource);
    if (guard == Guard::open || (guard == Guard::docs && !protect_docs)) return Access::open;
    if (guard == Guard::admin) return Access::admin;
    return method == "GET" ? Access::read : Access::write;
}

// Every method some path answers: the Allow of `OPTIONS *`.
constexpr std::string_view any_methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

std::optional<Resource> resource_of(const boost::urls::segments_view& segments) {
    auto it = segments.begin();
    const std::size_t depth = segments.size();
    if (depth == 0 || (*it).empty()) return std::nullopt;
    const std::string first = *it;  // percent-decoded
    const std::string second = depth == 2 ? std::string(*std::next(it)) : std::string();
    if (first == "apis") {
        if (depth == 1) return Resource::collection;
        if (depth == 2 && !second.empty()) return Resource::api;
        return std::nullopt;
    }
    if (first == "health") {
        if (depth == 1) return Resource::health;
        if (depth == 2 && second == "live") return Resource::live;
        if (depth == 2 && second == "ready") return Resource::ready;
        return std::nullopt;
    }
    if (depth == 1 && first == "openapi.json") return Resource::openapi;
    if (depth == 1 && first == "metrics") return Resource::metrics;
    if (depth == 1 && first == "audit") return Resource::audit;
    if (depth == 2 && first == "journal" && second == "conflicts") {
        return Resource::journal_conflicts;
    }
    return std::nullopt;
}

// The origin form of an absolute-form target (RFC 9112 3.2.2: a server must accept
// "GET http://host/health"): its path and query. The host in it is not checked, as
// Host is not. nullopt when `target` is not an http or https URI.
std::optional<std::string> origin_of_absolute_form(std::string_view target) {
    auto uri = boost::urls::parse_absolute_uri(target);
    if (!uri) return std::nullopt;
    const auto scheme = uri->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
        return std::nullopt;
    }
    std::string origin = uri->encoded_path().empty() ? "/" : std::string(uri->encoded_path());
    if (uri->has_query()) {
        origin += '?';
        origin += uri->encoded_query();
    }
    return origin;
}

Response options_response(std::string_view allow) {
    Response response;
    response.status = 204;
    response.content_type.clear();
    response.headers.emplace_back("Allow", std::string(allow));
    return response;
}

}  // namespace

boost::asio::awaitable<Response> Router::route(const Request& request) {
    std::string_view route_template = "-";
    std::string_view actor = "-";
    // Held until the answer is made: a reload meanwhile does not pull the key from under it.
    const auto keys = access_.keys != nullptr ? access_.keys->current() : nullptr;
    Response response = co_await dispatch(request, keys.get(), route_template, actor);
    response.route = route_template;
    response.actor = actor;
    co_return response;
}

boost::asio::awaitable<Response> Router::dispatch(const Request& sent, const auth::KeySet* keys,
                                                  std::string_view& route_template,
                                                  std::string_view& actor) {
    Request request = sent;  // views only; gets the actor below
    // HEAD is answered as GET; the server then sends the head alone.
    const std::string_view method = request.method == "HEAD" ? "GET" : request.method;
    if (method == "OPTIONS" && request.target == "*") {
        route_template = "*";
        co_return options_response(any_methods);
    }

    std::string origin;
    std::string_view origin_target = request.target;
    if (!origin_target.starts_with('/')) {
        auto from_absolute = origin_of_absolute_form(request.target);
        if (!from_absolute) co_return error_response(400, "Invalid request target");
        origin = std::move(*from_absolute);
        origin_target = origin;
    }
    auto target = boost::urls::parse_origin_form(origin_target);
    if (!target) co_return error_response(400, "Invalid request target");

    const auto segments = target->segments();  // percent-decoded
    const auto resource = resource_of(segments);
    if (!resource) co_return not_found_response();
    // Without a page here, metrics are served on a listener of their own (or not at all):
    // no route answered.
    if (*resource == Resource::metrics && !metrics_page_) co_return not_found_response();
    route_template = template_of(*resource);
    auto authentication =
        authenticate(request, access_needed(*resource, method, access_.protect_docs), keys);
    actor = authentication.actor;
    if (authentication.refusal) co_return std::move(*authentication.refusal);
    request.actor = actor;
    const auto conflicts = *resource == Resource::journal_conflicts && journal_conflicts_
                               ? journal_conflicts_()
                               : std::nullopt;
    if (*resource == Resource::journal_conflicts && !conflicts) co_return not_found_response();
    if (method == "OPTIONS") co_return options_response(allowed_methods(*resource));

    switch (*resource) {
        case Resource::collection:
            if (method == "GET") co_return co_await apis_.list(target->params());
            if (method == "POST") co_return co_await apis_.create(request);
            break;
        case Resource::api: {
            std::string ref = *std::next(segments.begin());
            if (method == "GET") co_return co_await apis_.get(std::move(ref));
            if (method == "PUT") co_return co_await apis_.replace(request, std::move(ref));
            if (method == "PATCH") co_return co_await apis_.patch(request, std::move(ref));
            if (method == "DELETE") co_return co_await apis_.remove(request, std::move(ref));
            break;
        }
        case Resource::health:
            if (method == "GET") co_return health_response(co_await database_health_());
            break;
        case Resource::live:
            if (method == "GET") co_return liveness_response();
            break;
        case Resource::ready:
            if (method == "GET") co_return readiness_response(readiness_());
            break;
        case Resource::journal_conflicts:
            if (method == "GET") {
                Response response;
                response.body = *conflicts;
                co_return response;
            }
            break;
        case Resource::audit:
            if (method == "GET") co_return co_await apis_.audit(target->params());
            break;
        case Resource::metrics:
            if (method == "GET") {
                Response response;
                response.body = metrics_page_();
                response.content_type = std::string(metrics::Exposition::content_type);
                co_return response;
            }
            break;
        case Resource::openapi:
            if (method == "GET") {
                Response response;
                response.body = std::string(openapi_document());
                co_return response;
            }
            break;
    }
    co_return method_not_allowed_response(allowed_methods(*resource));
}

}  // namespace gateway::api
