// GET /metrics: a page Prometheus accepts (checked with promtool, lint included), whose
// counters move by exactly the requests made, and which can live on a listener of its own.
#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <optional>
#include <regex>
#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/run_command.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/storage_mode.hpp"
#include "support/temporary_directory.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

using Metrics = SharedServerTest;

// The value of one series ("name{label=\"v\",...}" exactly as the page writes it), or
// nullopt when the page has no such line.
std::optional<double> series_value(const std::string& page, std::string_view series) {
    std::size_t at = 0;
    while ((at = page.find(series, at)) != std::string::npos) {
        const bool line_start = at == 0 || page[at - 1] == '\n';
        const std::size_t value_at = at + series.size();
        if (line_start && value_at < page.size() && page[value_at] == ' ') {
            const std::size_t end = page.find('\n', value_at);
            return std::stod(page.substr(value_at + 1, end - value_at - 1));
        }
        at = value_at;
    }
    return std::nullopt;
}

// A counter that has not moved yet is absent: zero.
double counter(const std::string& page, std::string_view series) {
    return series_value(page, series).value_or(0.0);
}

std::string scrape(HttpClient& http, std::string_view target = "/metrics") {
    const auto response = http.request("GET", target);
    EXPECT_EQ(response.status, 200u) << response.body;
    return response.body;
}

// promtool's verdict: empty when the page parses and passes its lint, else what it said.
std::string promtool_findings(const std::string& page) {
    TemporaryDirectory directory;
    const auto file = directory.write("metrics.txt", page);
    const auto result =
        run_command({"sh", "-c", "promtool check metrics < \"$0\" 2>&1", file}, kIoTimeout);
    if (!result.exit_code) return "promtool did not finish";
    if (*result.exit_code != 0 || !result.output.empty()) {
        return "exit " + std::to_string(*result.exit_code) + ": " + result.output;
    }
    return {};
}

TEST_F(Metrics, ThePageIsPrometheusTextThatPromtoolAcceptsWithoutLintFindings) {
    auto http = client();
    const auto created = must_create_api(http, full_api(unique_name("metrics")));
    get_api(http, created.at("id").as_string());
    get_api(http, "no-such-api");
    const auto response = http.request("GET", "/metrics");
    ASSERT_EQ(response.status, 200u);
    EXPECT_EQ(response.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(promtool_findings(response.body), "") << response.body;
}

TEST_F(Metrics, RequestCountersMoveByExactlyTheRequestsMade) {
    auto http = client();
    const std::string before = scrape(http);
    const auto created = must_create_api(http, minimal_api(unique_name("counted")));
    const std::string id(created.at("id").as_string());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(get_api(http, id).status, 200u);
    EXPECT_EQ(get_api(http, "missing-" + unique_name()).status, 404u);
    EXPECT_EQ(http.request("GET", "/no/such/path").status, 404u);
    const std::string after = scrape(http);

    const auto delta = [&](std::string_view series) {
        return counter(after, series) - counter(before, series);
    };
    EXPECT_EQ(delta(R"(gateway_http_requests_total{method="POST",route="/apis",status="201"})"), 1);
    EXPECT_EQ(
        delta(R"(gateway_http_requests_total{method="GET",route="/apis/{api_id}",status="200"})"),
        3);
    EXPECT_EQ(
        delta(R"(gateway_http_requests_total{method="GET",route="/apis/{api_id}",status="404"})"),
        1);
    // An unknown path is counted under "-", never under its own (unbounded) name.
    EXPECT_EQ(delta(R"(gateway_http_requests_total{method="GET",route="-",status="404"})"), 1);
    EXPECT_EQ(after.find("/no/such/path"), std::string::npos);
    // The first scrape is counted once it was answered.
    EXPECT_EQ(delta(R"(gateway_http_requests_total{method="GET",route="/metrics",status="200"})"),
              1);
    EXPECT_EQ(delta(R"(gateway_http_request_duration_seconds_count{route="/apis/{api_id}"})"), 4);
    EXPECT_EQ(
        delta(R"(gateway_http_request_duration_seconds_bucket{route="/apis/{api_id}",le="+Inf"})"),
        4);
    EXPECT_EQ(delta("gateway_apis_stored"), 1);
}

TEST_F(Metrics, RefusedBodiesAndRequestsInFlightAreCounted) {
    auto http = client();
    const std::string before = scrape(http);
    const std::string too_large(1024 * 1024 + 1, 'x');
    EXPECT_EQ(
        http.request("POST", "/apis", too_large, {{"Content-Type", "application/json"}}).status,
        413u);
    auto again = client();
    const std::string after = scrape(again);
    const std::string refused = R"(gateway_http_requests_refused_total{reason="body_too_large"})";
    EXPECT_EQ(counter(after, refused) - counter(before, refused), 1);
    // The scrape itself is the one request in flight while the page is made.
    EXPECT_EQ(series_value(after, "gateway_http_requests_in_flight"), 1.0);
    EXPECT_GE(series_value(after, "gateway_http_connections_open").value_or(0), 1.0);
}

TEST_F(Metrics, ProcessFiguresAndBuildInfoArePresent) {
    auto http = client();
    const std::string page = scrape(http);
    EXPECT_GT(series_value(page, "process_resident_memory_bytes").value_or(0), 1e6);
    EXPECT_GT(series_value(page, "process_open_fds").value_or(0), 2.0);
    EXPECT_GT(series_value(page, "process_max_fds").value_or(0), 2.0);
    EXPECT_GE(series_value(page, "process_cpu_seconds_total").value_or(-1), 0.0);
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double started = series_value(page, "process_start_time_seconds").value_or(0);
    EXPECT_LE(started, now + 5);
    EXPECT_GT(started, now - 24 * 3600);
    EXPECT_NE(page.find("gateway_build_info{version=\""), std::string::npos);
}

TEST_F(Metrics, TheDatabaseFiguresFollowTheStorageInUse) {
    auto http = client();
    must_create_api(http, minimal_api(unique_name("db-figures")));
    const std::string page = scrape(http);
    if (storage_is_postgres()) {
        EXPECT_EQ(series_value(page, "gateway_db_primary_in_use"), 1.0);
        EXPECT_EQ(series_value(page, R"(gateway_db_primary_source{source="DATABASE_URL"})"), 1.0);
        EXPECT_GE(series_value(page, "gateway_db_pool_size").value_or(0), 1.0);
        EXPECT_TRUE(series_value(page, "gateway_db_pool_acquire_timeouts_total"));
        // The create ran api_insert once: its latency histogram and error count exist.
        EXPECT_GE(
            counter(page, R"(gateway_db_statement_duration_seconds_count{statement="api_insert"})"),
            1.0);
        EXPECT_EQ(
            series_value(page, R"(gateway_db_statement_errors_total{statement="api_insert"})"),
            0.0);
        EXPECT_EQ(series_value(page, "gateway_db_breaker_open"), 0.0);
        EXPECT_EQ(series_value(page, "gateway_journal_pending"), 0.0);
    } else {
        EXPECT_EQ(series_value(page, "gateway_db_primary_in_use"), 0.0);
        EXPECT_FALSE(series_value(page, "gateway_db_pool_size"));
    }
    EXPECT_EQ(promtool_findings(page), "") << page;
}

// METRICS_LISTEN: the page on a listener of its own, and not on the API's port.
class MetricsListener : public SharedServerTest {
  public:
    static void SetUpTestSuite() { start_shared_server({{"METRICS_LISTEN", "127.0.0.1:0"}}); }

  protected:
    static HttpClient metrics_client() {
        static const std::regex line(R"(serving metrics at http://127\.0\.0\.1:(\d+)/metrics)");
        EXPECT_TRUE(server().wait_for_output("serving metrics at", kIoTimeout));
        std::smatch match;
        const std::string output = server().output();
        if (!std::regex_search(output, match, line)) {
            throw std::runtime_error("no metrics listening line in:\n" + output);
        }
        return HttpClient(static_cast<std::uint16_t>(std::stoi(match[1].str())));
    }
};

TEST_F(MetricsListener, ServesThePageAndOnlyThePage) {
    auto api = client();
    auto metrics = metrics_client();
    EXPECT_EQ(api.request("GET", "/metrics").status, 404u);
    must_create_api(api, minimal_api(unique_name("elsewhere")));
    const std::string page = scrape(metrics);
    // Requests to the API's port are counted on the metrics page.
    EXPECT_EQ(
        counter(page, R"(gateway_http_requests_total{method="POST",route="/apis",status="201"})"),
        1);
    EXPECT_EQ(counter(page, R"(gateway_http_requests_total{method="GET",route="-",status="404"})"),
              1);
    EXPECT_EQ(promtool_findings(page), "") << page;
    EXPECT_EQ(metrics.request("GET", "/apis").status, 404u);
    EXPECT_EQ(metrics.request("GET", "/health").status, 404u);
    const auto post = metrics.request("POST", "/metrics", "{}");
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(post.header("Allow"), "GET, HEAD, OPTIONS");
}

}  // namespace
}  // namespace gateway::test
