// GET /health as the contract fixes it: the three rows of its table, byte for byte.
#include "api/health.hpp"

#include <gtest/gtest.h>

namespace gateway::api {
namespace {

using domain::HealthStatus;

const std::string kPrefix =
    R"({"status":"healthy","service":"Gateway Management API","version":")" GATEWAY_VERSION
    R"(","database":)";

TEST(HealthResponse, InMemoryStorageIsDegradedButServes) {
    const auto response = health_response(
        {HealthStatus::degraded, "in-memory", "Using fallback in-memory storage", false, {}});
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, kPrefix + R"({"status":"degraded","type":"in-memory",)"
                                       R"("message":"Using fallback in-memory storage",)"
                                       R"("using_primary":false}})");
}

TEST(HealthResponse, HealthyPrimaryAddsItsDetailsAfterTheContractFields) {
    const auto response = health_response({HealthStatus::healthy,
                                           "postgresql",
                                           "Primary database connection is healthy",
                                           true,
                                           {{"latency_ms", 1.5}, {"source", "DATABASE_URL"}}});
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, kPrefix + R"({"status":"healthy","type":"postgresql",)"
                                       R"("message":"Primary database connection is healthy",)"
                                       R"("using_primary":true,"latency_ms":1.500,)"
                                       R"("source":"DATABASE_URL"}})");
}

TEST(HealthResponse, UnhealthyPrimaryIsA503) {
    const auto response = health_response(
        {HealthStatus::unhealthy, "postgresql", "Primary database check failed: x", true, {}});
    EXPECT_EQ(response.status, 503u);
    EXPECT_EQ(response.body.rfind(R"({"status":"unhealthy",)", 0), 0u) << response.body;
    EXPECT_NE(response.body.find(R"("database":{"status":"unhealthy",)"), std::string::npos);
}

TEST(HealthStatusName, IsTheContractsWord) {
    EXPECT_EQ(health_status_name(HealthStatus::healthy), "healthy");
    EXPECT_EQ(health_status_name(HealthStatus::degraded), "degraded");
    EXPECT_EQ(health_status_name(HealthStatus::unhealthy), "unhealthy");
}

}  // namespace
}  // namespace gateway::api
