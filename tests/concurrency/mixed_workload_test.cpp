// Every kind of request at once, each client on its own APIs: every answer is the one
// the contract gives a lone client. Under ThreadSanitizer this is the data-race probe.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>
#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/parallel_clients.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

constexpr int kWorkloadClients = 16;
constexpr int kRounds = 8;

void expect_status(const Response& response, unsigned status, const char* step) {
    if (response.status != status) {
        throw std::runtime_error(std::string(step) + ": expected " + std::to_string(status) +
                                 ", got " + ::testing::PrintToString(response));
    }
}

using MixedWorkload = ParallelServerTest;

TEST_F(MixedWorkload, EveryClientGetsTheAnswersItWouldGetAlone) {
    const std::string tag = unique_tag();
    const auto failures =
        run_concurrently(server().port(), kWorkloadClients, [&](int, HttpClient& http) {
            for (int round = 0; round < kRounds; ++round) {
                const std::string name = unique_name();
                json::object body = full_api(name);
                body["tags"] = json::array{json::string(tag)};
                const Response created = create_api(http, body);
                expect_status(created, 201, "create");
                const std::string id(created.json().at("id").as_string());

                expect_status(get_api(http, id), 200, "get by id");
                expect_status(get_api(http, name), 200, "get by name");
                expect_status(
                    patch_api(http, id, json::object{{"rate_limit_per_minute", round + 1}},
                              {{"If-Match", "\"1\""}}),
                    200, "patch");
                expect_status(replace_api(http, name, body, {{"If-Match", "\"1\""}}), 412,
                              "stale put");
                expect_status(replace_api(http, name, body, {{"If-Match", "\"2\""}}), 200, "put");
                expect_status(list_apis(http, "limit=3&tag=" + tag), 200, "list");
                expect_status(http.request("GET", "/health"), 200, "health");
                expect_status(create_api(http, body), 409, "duplicate");
                if (round % 2 == 0) expect_status(delete_api(http, id), 204, "delete");
            }
        });
    EXPECT_TRUE(failures.empty()) << failures.size()
                                  << " clients failed; first: " << failures.front();

    auto http = client();
    const Listing listing = list_all_pages(http, "tag=" + tag, 10);
    ASSERT_EQ(listing.error, "");
    EXPECT_EQ(listing.items.size(), static_cast<std::size_t>(kWorkloadClients * kRounds / 2));
}

}  // namespace
}  // namespace gateway::test
