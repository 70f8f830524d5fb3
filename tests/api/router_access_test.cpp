// Which routes need a key and which scope, decided by the router before any handler
// runs: the probes and OPTIONS open, reads need a read key, writes an admin key, the
// OpenAPI document open unless protected; without keys every route open as before.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "../store/run_sync.hpp"
#include "api/api_handlers.hpp"
#include "api/metrics_listener.hpp"
#include "api/router.hpp"
#include "auth/api_key.hpp"
#include "auth/key_store.hpp"
#include "store/memory_store.hpp"

namespace gateway::api {
namespace {

boost::asio::awaitable<DatabaseHealth> access_test_health() {
    co_return DatabaseHealth{
        domain::HealthStatus::degraded, "in-memory", "Using fallback in-memory storage", false, {}};
}

std::optional<std::string> access_header(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

constexpr std::string_view kNewApi =
    R"({"name":"billing","base_path":"/billing","upstream_url":"http://127.0.0.1:9000"})";

class RouterAccess : public ::testing::Test {
  protected:
    // A request with the key in `authorization` (a whole Authorization value) or `api_key`.
    Response send(Router& router, std::string_view method, std::string_view target,
                  std::optional<std::string> authorization = std::nullopt,
                  std::optional<std::string> api_key = std::nullopt) {
        Request request;
        request.method = method;
        request.target = target;
        if (method == "POST") {
            request.content_type = "application/json";
            request.body = kNewApi;
        }
        if (authorization) request.authorization = *authorization;
        if (api_key) request.api_key = *api_key;
        return gateway::testing::run_sync(io_, router.route(request));
    }
    Router guarded(bool protect_docs = false) {
        return Router(
            handlers_, access_test_health,
            [] {
                return Readiness{true, {}};
            },
            {}, [] { return std::string("up 1\n"); }, AccessRules{&keys_, protect_docs});
    }

    auth::NewKey admin_ = auth::make_key("deployer", auth::Scope::admin);
    auth::NewKey reader_ = auth::make_key("dashboard", auth::Scope::read);
    auth::KeyStore keys_{"unused", auth::KeySet::parse(admin_.line + "\n" + reader_.line)};
    boost::asio::io_context io_;
    store::MemoryStore store_;
    ApiHandlers handlers_{store_};
};

TEST_F(RouterAccess, WithoutKeysEveryRouteIsOpenToAnonymous) {
    Router open(handlers_, access_test_health, [] { return Readiness{true, {}}; });
    const Response created = send(open, "POST", "/apis");
    EXPECT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(created.actor, "anonymous");
    EXPECT_EQ(send(open, "GET", "/apis").status, 200u);
}

TEST_F(RouterAccess, NoKeyIs401WithABearerChallenge) {
    Router router = guarded();
    for (const char* method : {"GET", "HEAD", "POST"}) {
        const Response response = send(router, method, "/apis");
        EXPECT_EQ(response.status, 401u) << method;
        EXPECT_EQ(response.body, R"({"detail":"Not authenticated"})");
        EXPECT_EQ(access_header(response, "WWW-Authenticate"), R"(Bearer realm="gateway-api")");
        EXPECT_EQ(response.actor, "-");
        EXPECT_EQ(response.refused_because, "no API key");
    }
    EXPECT_EQ(store_.size(), 0u);
}

TEST_F(RouterAccess, AWrongKeyIs401InvalidTokenNamingTheKeyForTheLogOnly) {
    Router router = guarded();
    std::string wrong = admin_.key;
    wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
    const Response response = send(router, "GET", "/apis/x", "Bearer " + wrong);
    EXPECT_EQ(response.status, 401u);
    EXPECT_EQ(response.body, R"({"detail":"Invalid API key"})");
    EXPECT_EQ(access_header(response, "WWW-Authenticate"),
              R"(Bearer realm="gateway-api", error="invalid_token")");
    EXPECT_NE(response.refused_because.find("'deployer'"), std::string::npos);
    EXPECT_EQ(response.refused_because.find(wrong), std::string::npos);
    EXPECT_EQ(send(router, "GET", "/apis", "Basic ZGVwbG95ZXI6eA==").status, 401u);
    EXPECT_EQ(send(router, "GET", "/apis", "Bearer").status, 401u);
}

TEST_F(RouterAccess, AReadKeyReadsAndIs403WhenItWrites) {
    Router router = guarded();
    const Response read = send(router, "GET", "/apis", "Bearer " + reader_.key);
    EXPECT_EQ(read.status, 200u);
    EXPECT_EQ(read.actor, "dashboard");
    EXPECT_EQ(send(router, "HEAD", "/apis", std::nullopt, reader_.key).status, 200u);
    const Response write = send(router, "POST", "/apis", "Bearer " + reader_.key);
    EXPECT_EQ(write.status, 403u);
    EXPECT_EQ(write.actor, "dashboard");
    EXPECT_EQ(access_header(write, "WWW-Authenticate"),
              R"(Bearer realm="gateway-api", error="insufficient_scope", scope="admin")");
    EXPECT_EQ(store_.size(), 0u);
    EXPECT_EQ(send(router, "DELETE", "/apis/billing", std::nullopt, reader_.key).status, 403u);
}

TEST_F(RouterAccess, AnAdminKeyWritesByBearerOrByXApiKey) {
    Router router = guarded();
    const Response created = send(router, "POST", "/apis", "bearer  " + admin_.key);
    EXPECT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(created.actor, "deployer");
    EXPECT_EQ(send(router, "DELETE", "/apis/billing", std::nullopt, admin_.key).status, 204u);
}

TEST_F(RouterAccess, TheAuditTrailNeedsAnAdminKeyEvenToRead) {
    Router router = guarded();
    EXPECT_EQ(send(router, "GET", "/audit").status, 401u);
    const Response read = send(router, "GET", "/audit", "Bearer " + reader_.key);
    EXPECT_EQ(read.status, 403u);
    EXPECT_EQ(read.refused_because,
              "API key 'dashboard' (scope read) tried to read the audit trail");
    EXPECT_EQ(send(router, "HEAD", "/audit", std::nullopt, reader_.key).status, 403u);
    const Response admin = send(router, "GET", "/audit", "Bearer " + admin_.key);
    EXPECT_EQ(admin.status, 200u) << admin.body;
    EXPECT_EQ(admin.route, "/audit");
    EXPECT_EQ(send(router, "OPTIONS", "/audit").status, 204u);
}

TEST_F(RouterAccess, ProbesAndOptionsNeedNoKey) {
    Router router = guarded(true);
    for (const char* path : {"/health", "/health/live", "/health/ready"}) {
        const Response response = send(router, "GET", path);
        EXPECT_EQ(response.status, 200u) << path;
        EXPECT_EQ(response.actor, "anonymous") << path;
    }
    EXPECT_EQ(send(router, "OPTIONS", "/apis").status, 204u);
    EXPECT_EQ(send(router, "OPTIONS", "/apis/billing").status, 204u);
}

TEST_F(RouterAccess, TheOpenApiDocumentAndTheMetricsAreOpenUnlessProtected) {
    Router open_docs = guarded(false);
    Router protected_docs = guarded(true);
    for (const char* path : {"/openapi.json", "/metrics"}) {
        EXPECT_EQ(send(open_docs, "GET", path).status, 200u) << path;
        EXPECT_EQ(send(protected_docs, "GET", path).status, 401u) << path;
        EXPECT_EQ(send(protected_docs, "GET", path, std::nullopt, reader_.key).status, 200u)
            << path;
    }
}

TEST_F(RouterAccess, TheMetricsListenerAsksForAKeyWhenTheDocsAreProtected) {
    const MetricsPage page = [] { return std::string("up 1\n"); };
    Request request;
    request.method = "GET";
    request.target = "/metrics";
    EXPECT_EQ(metrics_listener_answer(request, page, {&keys_, false}).status, 200u);
    EXPECT_EQ(metrics_listener_answer(request, page, {&keys_, true}).status, 401u);
    request.api_key = reader_.key;
    EXPECT_EQ(metrics_listener_answer(request, page, {&keys_, true}).status, 200u);
}

TEST_F(RouterAccess, UnknownPathsStay404WithoutAKey) {
    Router router = guarded();
    EXPECT_EQ(send(router, "GET", "/nowhere").status, 404u);
}

}  // namespace
}  // namespace gateway::api
