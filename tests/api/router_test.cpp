// The router over a MemoryStore, called as a function: the contract's status rows
// (400, 404, 405, 415, 422 and the happy paths) and the probes, without a socket or a
// process. The black-box suites in tests/http keep the wire.
#include "api/router.hpp"
#include "api/metrics_listener.hpp"

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "../store/run_sync.hpp"
#include "api/api_handlers.hpp"
#include "store/memory_store.hpp"

namespace gateway::api {
namespace {

namespace json = boost::json;

// A request as a test writes it; api::Request only views these strings.
struct Call {
    std::string method;
    std::string target;
    std::string body = {};
    std::string content_type = body.empty() ? "" : "application/json";
    std::optional<std::string> if_match = std::nullopt;
};

std::optional<std::string> header(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

json::value body_json(const Response& response) {
    return json::parse(response.body);
}

// The contract's in-memory row, so that /health can be routed without a database.
boost::asio::awaitable<DatabaseHealth> in_memory_health() {
    co_return DatabaseHealth{
        domain::HealthStatus::degraded, "in-memory", "Using fallback in-memory storage", false, {}};
}

class RouterTest : public ::testing::Test {
  protected:
    Response call(const Call& call) {
        Request request;
        request.method = call.method;
        request.target = call.target;
        request.content_type = call.content_type;
        request.body = call.body;
        if (call.if_match) request.if_match = *call.if_match;
        return gateway::testing::run_sync(io_, router_.route(request));
    }

    // Creates an API named `name` and returns its JSON; fails the test unless 201.
    json::object create(std::string_view name) {
        const json::object spec{{"name", name},
                                {"base_path", "/" + std::string(name)},
                                {"upstream_url", "http://127.0.0.1:9000"}};
        const Response response = call({"POST", "/apis", json::serialize(spec)});
        EXPECT_EQ(response.status, 201u) << response.body;
        return body_json(response).as_object();
    }

    boost::asio::io_context io_;
    store::MemoryStore store_;
    ApiHandlers handlers_{store_};
    Readiness readiness_{true, {}};
    Router router_{handlers_, in_memory_health, [this] { return readiness_; }};
};

// ---- error rows -----------------------------------------------------------------------

struct ErrorRow {
    std::string name;
    Call call;
    unsigned status;
    std::string allow = {};             // the Allow header a 405 must carry
    std::vector<std::string> loc = {};  // for a 422: the start of one entry's loc
    std::string detail = {};            // for other errors: the exact detail, if fixed
};

void PrintTo(const ErrorRow& row, std::ostream* out) {
    *out << row.call.method << ' ' << row.call.target;
}

class RouterErrors : public RouterTest, public ::testing::WithParamInterface<ErrorRow> {};

// 422 {"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]} with an entry whose
// loc starts with `loc`.
::testing::AssertionResult HasValidationEntry(const json::value& body,
                                              const std::vector<std::string>& loc) {
    const json::array* entries = body.at("detail").if_array();
    if (entries == nullptr || entries->empty()) {
        return ::testing::AssertionFailure() << "detail is not a non-empty array";
    }
    bool found = false;
    for (const json::value& entry : *entries) {
        const json::array& entry_loc = entry.at("loc").as_array();
        if (!entry.at("msg").is_string() || !entry.at("type").is_string()) {
            return ::testing::AssertionFailure() << "malformed entry " << entry;
        }
        bool matches = entry_loc.size() >= loc.size();
        for (std::size_t i = 0; matches && i < loc.size(); ++i) {
            matches = entry_loc[i] == json::string(loc[i]);
        }
        found = found || matches;
    }
    if (found) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no entry at the expected loc in " << body;
}

TEST_P(RouterErrors, AnswersTheContractsStatusAndShape) {
    const ErrorRow& row = GetParam();
    const Response response = call(row.call);
    ASSERT_EQ(response.status, row.status) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    const json::value body = body_json(response);
    if (row.status == 422) {
        EXPECT_TRUE(HasValidationEntry(body, row.loc));
    } else {
        ASSERT_TRUE(body.at("detail").is_string()) << response.body;
        EXPECT_FALSE(body.at("detail").as_string().empty());
        if (!row.detail.empty()) {
            EXPECT_EQ(body.at("detail"), json::string(row.detail));
        }
    }
    if (row.status == 405) {
        EXPECT_EQ(header(response, "Allow"), row.allow);
    } else {
        EXPECT_EQ(header(response, "Allow"), std::nullopt);
    }
}

const std::string kValidSpec =
    R"({"name":"orders","base_path":"/orders","upstream_url":"http://127.0.0.1:9000"})";

// clang-format off
const std::vector<ErrorRow> kErrorRows = {
    // 400: a target that is not origin form, a body that is not a JSON object.
    {"TargetNotOriginForm", {"GET", "apis"}, 400},
    {"AbsoluteFormOfAnotherScheme", {"GET", "ftp://h/apis"}, 400},
    {"AsteriskFormForGet", {"GET", "*"}, 400},
    {"CreateMalformedJson", {"POST", "/apis", "{\"name\":"}, 400, {}, {}, "Request body is not valid JSON"},
    {"CreateJsonArray", {"POST", "/apis", "[]"}, 400, {}, {}, "Request body must be a JSON object"},
    {"ReplaceJsonString", {"PUT", "/apis/orders", "\"orders\""}, 400},
    {"PatchMalformedJson", {"PATCH", "/apis/orders", "nope", "application/merge-patch+json"}, 400},
    // 404: unknown paths, and unknown APIs.
    {"Root", {"GET", "/"}, 404, {}, {}, "Not Found"},
    {"UnknownPath", {"GET", "/nothing"}, 404, {}, {}, "Not Found"},
    {"TrailingSlashOnCollection", {"GET", "/apis/"}, 404, {}, {}, "Not Found"},
    {"BelowAnApi", {"GET", "/apis/orders/extra"}, 404, {}, {}, "Not Found"},
    {"UnknownProbe", {"GET", "/health/started"}, 404, {}, {}, "Not Found"},
    {"BelowAProbe", {"GET", "/health/ready/now"}, 404, {}, {}, "Not Found"},
    {"BelowOpenApi", {"GET", "/openapi.json/x"}, 404, {}, {}, "Not Found"},
    {"GetUnknownApi", {"GET", "/apis/no-such-api"}, 404},
    {"ReplaceUnknownApi", {"PUT", "/apis/no-such-api", kValidSpec}, 404},
    {"PatchUnknownApi", {"PATCH", "/apis/no-such-api", "{}"}, 404},
    {"DeleteUnknownApi", {"DELETE", "/apis/no-such-api"}, 404},
    // 405 with Allow.
    {"DeleteCollection", {"DELETE", "/apis"}, 405, "GET, HEAD, POST, OPTIONS", {}, "Method Not Allowed"},
    {"PutCollection", {"PUT", "/apis", kValidSpec}, 405, "GET, HEAD, POST, OPTIONS"},
    {"PostToAnApi", {"POST", "/apis/orders", kValidSpec}, 405, "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"},
    {"PostHealth", {"POST", "/health"}, 405, "GET, HEAD, OPTIONS"},
    {"PostLive", {"POST", "/health/live"}, 405, "GET, HEAD, OPTIONS"},
    {"DeleteLive", {"DELETE", "/health/live"}, 405, "GET, HEAD, OPTIONS"},
    {"PostReady", {"POST", "/health/ready"}, 405, "GET, HEAD, OPTIONS"},
    {"PutReady", {"PUT", "/health/ready", "{}"}, 405, "GET, HEAD, OPTIONS"},
    {"PostOpenApi", {"POST", "/openapi.json"}, 405, "GET, HEAD, OPTIONS"},
    // 415: a body that is not JSON, or not the JSON this method takes.
    {"CreateAsText", {"POST", "/apis", kValidSpec, "text/plain"}, 415},
    {"CreateAsForm", {"POST", "/apis", "name=orders", "application/x-www-form-urlencoded"}, 415},
    {"ReplaceAsMergePatch", {"PUT", "/apis/orders", kValidSpec, "application/merge-patch+json"}, 415},
    {"PatchAsText", {"PATCH", "/apis/orders", "{}", "text/plain"}, 415},
    // 422: the body's fields, and the list's query parameters.
    {"CreateWithoutName", {"POST", "/apis", R"({"base_path":"/a","upstream_url":"http://h"})"}, 422, {}, {"body", "name"}},
    {"CreateUnknownField", {"POST", "/apis", R"({"name":"a","base_path":"/a","upstream_url":"http://h","colour":1})"}, 422, {}, {"body", "colour"}},
    {"CreateBadUpstream", {"POST", "/apis", R"({"name":"a","base_path":"/a","upstream_url":"ftp://h"})"}, 422, {}, {"body", "upstream_url"}},
    {"ListLimitZero", {"GET", "/apis?limit=0"}, 422, {}, {"query", "limit"}},
    {"ListLimitTooLarge", {"GET", "/apis?limit=1001"}, 422, {}, {"query", "limit"}},
    {"ListLimitNotANumber", {"GET", "/apis?limit=ten"}, 422, {}, {"query", "limit"}},
    {"ListEnabledNotABoolean", {"GET", "/apis?enabled=maybe"}, 422, {}, {"query", "enabled"}},
    {"ListForgedCursor", {"GET", "/apis?cursor=not-a-cursor"}, 422, {}, {"query", "cursor"}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(ContractRows, RouterErrors, ::testing::ValuesIn(kErrorRows),
                         [](const auto& info) { return info.param.name; });

// ---- happy paths ------------------------------------------------------------------------

TEST_F(RouterTest, CreateAnswers201WithLocationAndETag) {
    const Response response = call({"POST", "/apis", kValidSpec});
    ASSERT_EQ(response.status, 201u) << response.body;
    const json::object api = body_json(response).as_object();
    EXPECT_EQ(api.at("name"), "orders");
    EXPECT_EQ(api.at("revision"), 1);
    EXPECT_EQ(header(response, "Location"), "/apis/" + std::string(api.at("id").as_string()));
    EXPECT_EQ(header(response, "ETag"), "\"1\"");
}

TEST_F(RouterTest, HeadIsAnsweredAsGet) {
    create("orders");
    for (const std::string target : {"/apis/orders", "/apis?limit=1", "/health/live",
                                     "/health/ready", "/openapi.json", "/apis/none"}) {
        const Response get = call({"GET", target});
        const Response head = call({"HEAD", target});
        EXPECT_EQ(head.status, get.status) << target;
        EXPECT_EQ(head.body, get.body) << target;  // the server sends only its length
        EXPECT_EQ(header(head, "ETag"), header(get, "ETag")) << target;
    }
}

TEST_F(RouterTest, OptionsAnswers204WithTheAllowOfThePath) {
    const std::vector<std::pair<std::string, std::string>> rows{
        {"/apis", "GET, HEAD, POST, OPTIONS"},
        {"/apis/anything", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"},
        {"/health", "GET, HEAD, OPTIONS"},
        {"/health/ready", "GET, HEAD, OPTIONS"},
        {"/openapi.json", "GET, HEAD, OPTIONS"},
        {"*", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"}};
    for (const auto& [target, allow] : rows) {
        const Response response = call({"OPTIONS", target});
        EXPECT_EQ(response.status, 204u) << target;
        EXPECT_TRUE(response.body.empty()) << target;
        EXPECT_TRUE(response.content_type.empty()) << target;
        EXPECT_EQ(header(response, "Allow"), allow) << target;
    }
    EXPECT_EQ(call({"OPTIONS", "/nope"}).status, 404u);
}

TEST_F(RouterTest, AbsoluteFormIsRoutedByItsPathAndQuery) {
    create("orders");
    EXPECT_EQ(call({"GET", "http://gateway.example:8000/apis/orders"}).status, 200u);
    EXPECT_EQ(call({"GET", "HTTPS://gateway.example/health/live"}).status, 200u);
    const Response page = call({"GET", "http://gateway.example/apis?limit=1"});
    ASSERT_EQ(page.status, 200u) << page.body;
    EXPECT_EQ(body_json(page).at("data").as_array().size(), 1u);
    EXPECT_EQ(call({"GET", "http://gateway.example"}).status, 404u);  // the path is "/"
}

TEST_F(RouterTest, GetFindsAnApiByIdAndByName) {
    const json::object created = create("orders");
    const std::string id(created.at("id").as_string());
    for (const std::string& ref : {id, std::string("orders")}) {
        const Response response = call({"GET", "/apis/" + ref});
        ASSERT_EQ(response.status, 200u) << ref << ": " << response.body;
        EXPECT_EQ(body_json(response), created) << ref;
        EXPECT_EQ(header(response, "ETag"), "\"1\"") << ref;
    }
}

TEST_F(RouterTest, ListAnswersDataAndNextCursor) {
    create("first");
    create("second");
    std::set<std::string> names;  // two APIs made in the same millisecond may come either way
    const Response page = call({"GET", "/apis?limit=1"});
    ASSERT_EQ(page.status, 200u) << page.body;
    const json::object first = body_json(page).as_object();
    ASSERT_EQ(first.size(), 2u) << page.body;
    ASSERT_EQ(first.at("data").as_array().size(), 1u) << page.body;
    names.emplace(first.at("data").at(0).at("name").as_string());
    ASSERT_TRUE(first.at("next_cursor").is_string()) << page.body;

    // base64url: safe in a query as it is.
    const Response rest =
        call({"GET", "/apis?limit=1&cursor=" + std::string(first.at("next_cursor").as_string())});
    ASSERT_EQ(rest.status, 200u) << rest.body;
    const json::object second = body_json(rest).as_object();
    ASSERT_EQ(second.at("data").as_array().size(), 1u) << rest.body;
    names.emplace(second.at("data").at(0).at("name").as_string());
    EXPECT_TRUE(second.at("next_cursor").is_null()) << rest.body;
    EXPECT_EQ(names, (std::set<std::string>{"first", "second"}));
}

TEST_F(RouterTest, PatchTakesMergePatchAndHonoursIfMatch) {
    create("orders");
    const Response stale = call(
        {"PATCH", "/apis/orders", R"({"tags":["a"]})", "application/merge-patch+json", "\"7\""});
    EXPECT_EQ(stale.status, 412u) << stale.body;

    const Response patched = call(
        {"PATCH", "/apis/orders", R"({"tags":["a"]})", "application/merge-patch+json", "\"1\""});
    ASSERT_EQ(patched.status, 200u) << patched.body;
    EXPECT_EQ(body_json(patched).at("tags"), json::value(json::array{"a"}));
    EXPECT_EQ(header(patched, "ETag"), "\"2\"");
}

TEST_F(RouterTest, DuplicateNameIs409) {
    create("orders");
    const Response response = call(
        {"POST", "/apis", R"({"name":"ORDERS","base_path":"/other","upstream_url":"http://h"})"});
    EXPECT_EQ(response.status, 409u) << response.body;
}

TEST_F(RouterTest, DeleteAnswers204WithoutBodyThenTheApiIsGone) {
    create("orders");
    const Response response = call({"DELETE", "/apis/orders"});
    ASSERT_EQ(response.status, 204u) << response.body;
    EXPECT_TRUE(response.body.empty());
    EXPECT_TRUE(response.content_type.empty());
    EXPECT_EQ(call({"GET", "/apis/orders"}).status, 404u);
}

// ---- health and probes ------------------------------------------------------------------

TEST_F(RouterTest, HealthRendersTheInMemoryRow) {
    const Response response = call({"GET", "/health"});
    ASSERT_EQ(response.status, 200u) << response.body;
    const json::value expected =
        json::parse(R"({"status":"healthy","service":"Gateway Management API","version":"1.0.0",)"
                    R"("database":{"status":"degraded","type":"in-memory",)"
                    R"("message":"Using fallback in-memory storage","using_primary":false}})");
    EXPECT_EQ(body_json(response), expected);
}

TEST_F(RouterTest, LiveAnswers200Uncached) {
    readiness_ = {false, "shutting down"};  // liveness does not depend on readiness
    const Response response = call({"GET", "/health/live"});
    ASSERT_EQ(response.status, 200u);
    EXPECT_EQ(body_json(response), (json::object{{"status", "alive"}}));
    EXPECT_EQ(header(response, "Cache-Control"), "no-store");
}

TEST_F(RouterTest, ReadyAnswers200WhenReady) {
    const Response response = call({"GET", "/health/ready"});
    ASSERT_EQ(response.status, 200u);
    EXPECT_EQ(body_json(response), (json::object{{"status", "ready"}}));
    EXPECT_EQ(header(response, "Cache-Control"), "no-store");
}

TEST_F(RouterTest, ReadyAnswers503WithTheReasonWhenNotReady) {
    for (const char* reason : {"shutting down", "storage not loaded", "quote \" and \\"}) {
        readiness_ = {false, reason};
        const Response response = call({"GET", "/health/ready"});
        ASSERT_EQ(response.status, 503u) << reason;
        EXPECT_EQ(body_json(response), (json::object{{"status", "not ready"}, {"reason", reason}}));
        EXPECT_EQ(header(response, "Cache-Control"), "no-store");
    }
}

TEST_F(RouterTest, ReadinessIsAskedOnEveryProbe) {
    EXPECT_EQ(call({"GET", "/health/ready"}).status, 200u);
    readiness_ = {false, "shutting down"};
    EXPECT_EQ(call({"GET", "/health/ready"}).status, 503u);
    readiness_ = {true, {}};
    EXPECT_EQ(call({"GET", "/health/ready"}).status, 200u);
}

TEST_F(RouterTest, MetricsAreServedOnlyWhereThereIsAPage) {
    // This router has none: the metrics live on a listener of their own.
    const Response absent = call({"GET", "/metrics"});
    EXPECT_EQ(absent.status, 404u);
    EXPECT_EQ(absent.route, "-");

    Router with_page{handlers_,
                     in_memory_health,
                     [this] { return readiness_; },
                     {},
                     [] { return std::string("up 1\n"); }};
    Request request;
    request.method = "GET";
    request.target = "/metrics";
    const Response page = gateway::testing::run_sync(io_, with_page.route(request));
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.body, "up 1\n");
    EXPECT_EQ(page.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(page.route, "/metrics");
    request.method = "DELETE";
    EXPECT_EQ(gateway::testing::run_sync(io_, with_page.route(request)).status, 405u);
}

TEST(MetricsListener, AnswersTheMetricsPathAlone) {
    const MetricsPage page = [] { return std::string("up 1\n"); };
    const auto answer = [&page](std::string_view method, std::string_view target) {
        Request request;
        request.method = method;
        request.target = target;
        return metrics_listener_answer(request, page);
    };
    EXPECT_EQ(answer("GET", "/metrics").body, "up 1\n");
    EXPECT_EQ(answer("GET", "/metrics?x=1").status, 200u);
    EXPECT_EQ(answer("HEAD", "/metrics").status, 200u);
    EXPECT_EQ(answer("GET", "/apis").status, 404u);
    EXPECT_EQ(answer("GET", "/health").status, 404u);
    EXPECT_EQ(answer("GET", "nonsense").status, 400u);
    const auto post = answer("POST", "/metrics");
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(post.route, "/metrics");
    const auto options = answer("OPTIONS", "/metrics");
    EXPECT_EQ(options.status, 204u);
}

}  // namespace
}  // namespace gateway::api
