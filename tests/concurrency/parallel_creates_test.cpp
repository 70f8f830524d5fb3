// Many distinct creates at once: all succeed, and the list holds each exactly once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/parallel_clients.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

constexpr int kCreatingClients = 20;
constexpr int kCreatesPerClient = 10;  // 200 in all

using ParallelCreates = ParallelServerTest;

TEST_F(ParallelCreates, AllSucceedAndListBackOnceEachInOrder) {
    const std::string tag = unique_tag();
    std::mutex created_mutex;
    std::set<std::string> created_ids;
    const auto failures =
        run_concurrently(server().port(), kCreatingClients, [&](int, HttpClient& http) {
            for (int i = 0; i < kCreatesPerClient; ++i) {
                json::object body = minimal_api(unique_name());
                body["tags"] = json::array{json::string(tag)};
                const json::object api = must_create_api(http, body);
                std::lock_guard lock(created_mutex);
                created_ids.emplace(api.at("id").as_string());
            }
        });
    ASSERT_TRUE(failures.empty()) << failures.size() << " failed; " << failures.front();
    ASSERT_EQ(created_ids.size(), static_cast<std::size_t>(kCreatingClients * kCreatesPerClient));

    auto http = client();
    const Listing listing = list_all_pages(http, "tag=" + tag, 7);
    ASSERT_EQ(listing.error, "");
    std::vector<std::string> listed;
    std::vector<std::pair<std::string, std::string>> keys;
    for (const auto& api : listing.items) {
        listed.emplace_back(api.at("id").as_string());
        keys.emplace_back(api.at("created_at").as_string(), api.at("id").as_string());
    }
    EXPECT_EQ(listed.size(), created_ids.size()) << "an API listed twice or missed";
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), created_ids);
    EXPECT_TRUE(std::ranges::is_sorted(keys)) << "not in (created_at, id) order";
    EXPECT_GE(listing.pages, 29);
}

}  // namespace
}  // namespace gateway::test
