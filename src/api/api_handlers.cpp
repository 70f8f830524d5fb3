#include "api/api_handlers.hpp"

#include <array>

#include <boost/json/monotonic_resource.hpp>

#include "api/errors.hpp"
#include "api/idempotency_key.hpp"
#include "api/json_body.hpp"
#include "api/list_params.hpp"
#include "domain/api_json.hpp"
#include "domain/audit.hpp"
#include "domain/cursor.hpp"
#include "domain/precondition.hpp"
#include "domain/timestamps.hpp"
#include "domain/validation.hpp"

namespace gateway::api {

namespace {

using domain::ApiPtr;

// Who made a write, for its audit record.
domain::ChangeOrigin origin_of(const Request& request) {
    return domain::ChangeOrigin{std::string(request.actor), std::string(request.client_address),
                                std::string(request.request_id)};
}

Response audit_page_response(const store::AuditPage& page) {
    Response response;
    std::string& out = response.body;
    out.reserve(64 + page.items.size() * 400);
    out += "{\"data\":[";
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        if (i != 0) out += ',';
        domain::append_audit_json(out, page.items[i]);
    }
    out += "],\"next_cursor\":";
    if (page.next) {
        domain::append_json_string(out, domain::encode_audit_cursor(*page.next));
    } else {
        out += "null";
    }
    out += '}';
    return response;
}

domain::Precondition precondition_of(const Request& request) {
    return request.if_match ? domain::Precondition::from_if_match(*request.if_match)
                            : domain::Precondition::none();
}

Response api_response(unsigned status, const domain::Api& api) {
    Response response;
    response.status = status;
    response.body.reserve(512);
    domain::append_api_json(response.body, api);
    response.headers.emplace_back("ETag", domain::etag_for(api.revision));
    return response;
}

Response page_response(const store::ApiPage& page) {
    Response response;
    std::string& out = response.body;
    out.reserve(64 + page.items.size() * 480);
    out += "{\"data\":[";
    for (std::size_t i = 0; i < page.items.size(); ++i) {
        if (i != 0) out += ',';
        domain::append_api_json(out, *page.items[i]);
    }
    out += "],\"next_cursor\":";
    if (page.next) {
        domain::append_json_string(out, domain::encode_cursor(*page.next));
    } else {
        out += "null";
    }
    out += '}';
    return response;
}

// The answer a keyed write gave, as it gave it.
Response recorded_response(const store::RecordedOutcome& outcome) {
    Response response;
    response.status = outcome.status;
    response.body = outcome.body;
    if (outcome.status == 204) response.content_type.clear();
    if (outcome.revision != 0) {
        response.headers.emplace_back("ETag", domain::etag_for(outcome.revision));
    }
    if (outcome.status == 201) response.headers.emplace_back("Location", "/apis/" + outcome.api_id);
    return response;
}

}  // namespace

domain::Expected<std::optional<std::string>, Response> ApiHandlers::idempotency_key_of(
    const Request& request) {
    if (!request.idempotency_key) return std::optional<std::string>();
    auto key = parse_idempotency_key(*request.idempotency_key);
    if (!key) return domain::unexpected(error_response(400, key.error()));
    return std::optional<std::string>(std::move(key).value());
}

boost::asio::awaitable<Response> ApiHandlers::keyed(const Request& request, std::string key,
                                                    store::WriteRequest write) {
    store::IdempotencyKey keyed{std::move(key), request_fingerprint(request)};
    auto outcome = co_await repository_.write_once(std::move(keyed), std::move(write));
    if (!outcome) co_return store_error_response(outcome.error());
    Response response = recorded_response(outcome->outcome);
    if (outcome->replayed) response.headers.emplace_back(std::string(kReplayedHeader), "true");
    mark_if_pending(response);
    co_return response;
}

boost::asio::awaitable<Response> ApiHandlers::create(const Request& request) {
    auto key = idempotency_key_of(request);
    if (!key) co_return std::move(key).error();
    // The body is only read to validate it: parsing into a buffer of this frame spares
    // the allocator a call for every value in it.
    std::array<unsigned char, 4096> parse_buffer;
    boost::json::monotonic_resource parse_memory(parse_buffer.data(), parse_buffer.size());
    auto body = read_json_object(request, {"application/json"}, &parse_memory);
    if (!body) co_return std::move(body).error();
    auto spec = domain::spec_from_json(*body);
    if (!spec) co_return validation_error_response(spec.error());
    if (*key) {
        store::WriteRequest write;
        write.kind = store::WriteRequest::Kind::create;
        write.spec = std::move(spec).value();
        write.origin = origin_of(request);
        co_return co_await keyed(request, std::move(**key), std::move(write));
    }

    auto created = co_await repository_.create(std::move(spec).value(), origin_of(request));
    if (!created) co_return store_error_response(created.error());
    Response response = api_response(201, **created);
    response.headers.emplace_back("Location", "/apis/" + (*created)->id);
    mark_if_pending(response);
    co_return response;
}

boost::asio::awaitable<Response> ApiHandlers::list(boost::urls::params_view params) {
    auto query = parse_list_params(params);
    if (!query) co_return validation_error_response(query.error());
    auto page = co_await repository_.list(std::move(query).value());
    if (!page) co_return store_error_response(page.error());
    Response response = page_response(*page);
    mark_if_stale(response);
    co_return response;
}

boost::asio::awaitable<Response> ApiHandlers::audit(boost::urls::params_view params) {
    auto query = parse_audit_params(params);
    if (!query) co_return validation_error_response(query.error());
    auto page = co_await repository_.audit(std::move(query).value());
    if (!page) co_return store_error_response(page.error());
    co_return audit_page_response(*page);
}

boost::asio::awaitable<Response> ApiHandlers::get(std::string ref) {
    auto found = co_await repository_.find(std::move(ref));
    // A 404 from a stale mirror is as stale as a 200.
    Response response = found ? api_response(200, **found) : store_error_response(found.error());
    mark_if_stale(response);
    co_return response;
}

void ApiHandlers::mark_if_pending(Response& response) const {
    if (replication_pending_ && replication_pending_()) {
        response.headers.emplace_back(std::string(kReplicationHeader), "pending");
    }
}

void ApiHandlers::mark_if_stale(Response& response) const {
    if (!stale_since_) return;
    if (const auto since = stale_since_()) {
        response.headers.emplace_back(std::string(kStaleSinceHeader),
                                      domain::format_timestamp(*since));
    }
}

boost::asio::awaitable<Response> ApiHandlers::replace(const Request& request, std::string ref) {
    auto key = idempotency_key_of(request);
    if (!key) co_return std::move(key).error();
    std::array<unsigned char, 4096> parse_buffer;  // as in create()
    boost::json::monotonic_resource parse_memory(parse_buffer.data(), parse_buffer.size());
    auto body = read_json_object(request, {"application/json"}, &parse_memory);
    if (!body) co_return std::move(body).error();
    auto spec = domain::spec_from_json(*body);
    if (!spec) co_return validation_error_response(spec.error());
    if (*key) {
        store::WriteRequest write;
        write.kind = store::WriteRequest::Kind::replace;
        write.ref = std::move(ref);
        write.spec = std::move(spec).value();
        write.precondition = precondition_of(request);
        write.origin = origin_of(request);
        co_return co_await keyed(request, std::move(**key), std::move(write));
    }

    auto replaced = co_await repository_.replace(std::move(ref), std::move(spec).value(),
                                                 precondition_of(request), origin_of(request));
    if (!replaced) co_return store_error_response(replaced.error());
    Response response = api_response(200, **replaced);
    mark_if_pending(response);
    co_return response;
}

boost::asio::awaitable<Response> ApiHandlers::patch(const Request& request, std::string ref) {
    auto key = idempotency_key_of(request);
    if (!key) co_return std::move(key).error();
    auto body = read_json_object(request, {"application/merge-patch+json", "application/json"});
    if (!body) co_return std::move(body).error();
    if (*key) {
        store::WriteRequest write;
        write.kind = store::WriteRequest::Kind::patch;
        write.ref = std::move(ref);
        write.merge_patch = std::move(body).value();
        write.precondition = precondition_of(request);
        write.origin = origin_of(request);
        co_return co_await keyed(request, std::move(**key), std::move(write));
    }

    auto patched = co_await repository_.patch(std::move(ref), std::move(body).value(),
                                              precondition_of(request), origin_of(request));
    if (!patched) co_return store_error_response(patched.error());
    Response response = api_response(200, **patched);
    mark_if_pending(response);
    co_return response;
}

boost::asio::awaitable<Response> ApiHandlers::remove(const Request& request, std::string ref) {
    auto key = idempotency_key_of(request);
    if (!key) co_return std::move(key).error();
    if (*key) {
        store::WriteRequest write;
        write.kind = store::WriteRequest::Kind::remove;
        write.ref = std::move(ref);
        write.precondition = precondition_of(request);
        write.origin = origin_of(request);
        co_return co_await keyed(request, std::move(**key), std::move(write));
    }
    auto removed =
        co_await repository_.remove(std::move(ref), precondition_of(request), origin_of(request));
    if (!removed) co_return store_error_response(removed.error());
    Response response;
    response.status = 204;
    response.content_type.clear();
    mark_if_pending(response);
    co_return response;
}

}  // namespace gateway::api
