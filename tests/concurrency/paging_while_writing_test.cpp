// Paging is stable while rows are added and removed: a reader walking the pages while
// writers create and delete sees every API that existed throughout exactly once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <map>
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

constexpr int kStable = 40;
constexpr int kChurnPerWriter = 15;
constexpr int kWriters = 3;
constexpr int kPasses = 4;

using PagingWhileWriting = ParallelServerTest;

json::object tagged(const std::string& tag, std::string_view label) {
    json::object body = minimal_api(unique_name(label));
    body["tags"] = json::array{json::string(tag)};
    return body;
}

TEST_F(PagingWhileWriting, SeesEveryLastingApiOncePerPass) {
    const std::string tag = unique_tag();
    std::vector<std::string> stable_ids;
    std::vector<std::string> doomed;  // created now, deleted by the writers meanwhile
    {
        auto http = client();
        for (int i = 0; i < kStable; ++i) {
            stable_ids.emplace_back(
                must_create_api(http, tagged(tag, "stable")).at("id").as_string());
            if (i % 2 == 0) {
                doomed.emplace_back(
                    must_create_api(http, tagged(tag, "doomed")).at("id").as_string());
            }
        }
    }

    std::atomic<int> writers_left{kWriters};
    std::vector<Listing> passes;
    const auto failures =
        run_concurrently(server().port(), kWriters + 1, [&](int i, HttpClient& http) {
            if (i == kWriters) {
                // The reader: keep walking the pages until the writers are done, at least kPasses.
                for (int pass = 0; pass < kPasses || writers_left > 0; ++pass) {
                    passes.push_back(list_all_pages(http, "tag=" + tag, 5));
                }
                return;
            }
            for (int n = 0; n < kChurnPerWriter; ++n) {
                must_create_api(http, tagged(tag, "churn"));
                const auto victim =
                    static_cast<std::size_t>(i) + static_cast<std::size_t>(n) * kWriters;
                if (victim < doomed.size()) {
                    const Response response = delete_api(http, doomed[victim]);
                    if (response.status != 204) ADD_FAILURE() << ::testing::PrintToString(response);
                }
            }
            --writers_left;
        });
    ASSERT_TRUE(failures.empty()) << failures.front();

    for (std::size_t p = 0; p < passes.size(); ++p) {
        const Listing& pass = passes[p];
        ASSERT_EQ(pass.error, "") << "pass " << p;
        std::map<std::string, int> seen;
        std::vector<std::pair<std::string, std::string>> keys;
        for (const auto& api : pass.items) {
            ++seen[std::string(api.at("id").as_string())];
            keys.emplace_back(api.at("created_at").as_string(), api.at("id").as_string());
        }
        for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << "pass " << p << " id " << id;
        for (const auto& id : stable_ids) EXPECT_EQ(seen[id], 1) << "pass " << p << " id " << id;
        EXPECT_TRUE(std::ranges::is_sorted(keys)) << "pass " << p << " out of order";
    }
}

}  // namespace
}  // namespace gateway::test
