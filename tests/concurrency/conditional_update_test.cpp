// Racing conditional changes to one API: If-Match makes each revision a single step, so
// per revision exactly one change wins and the others get 412.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
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

constexpr int kConditionalClients = 8;
constexpr int kAttemptsPerClient = 25;

using ConditionalUpdates = ParallelServerTest;

TEST_F(ConditionalUpdates, ExactlyOneWinnerPerRevision) {
    const std::string name = unique_name();
    {
        auto http = client();
        must_create_api(http, minimal_api(name));
    }
    std::mutex results_mutex;
    std::vector<std::int64_t> won_revisions;
    std::vector<std::string> won_descriptions;  // indexed like won_revisions
    std::atomic<int> refused{0};
    const auto failures =
        run_concurrently(server().port(), kConditionalClients, [&](int c, HttpClient& http) {
            for (int attempt = 0; attempt < kAttemptsPerClient; ++attempt) {
                const Response current = get_api(http, name);
                if (current.status != 200)
                    throw std::runtime_error(::testing::PrintToString(current));
                const std::string etag = current.header("ETag").value_or("");
                const std::string description =
                    "client-" + std::to_string(c) + "-attempt-" + std::to_string(attempt);
                // Alternate the two conditional update methods; both step the same revision.
                const Response response =
                    attempt % 2 == 0
                        ? patch_api(http, name, json::object{{"description", description}},
                                    {{"If-Match", etag}})
                        : [&] {
                              json::object body = minimal_api(name);
                              body["description"] = description;
                              return replace_api(http, name, body, {{"If-Match", etag}});
                          }();
                if (response.status == 200) {
                    const json::value api = response.json();
                    std::lock_guard lock(results_mutex);
                    won_revisions.push_back(api.at("revision").as_int64());
                    won_descriptions.emplace_back(api.at("description").as_string());
                    if (response.header("ETag") != etag_of(won_revisions.back())) {
                        ADD_FAILURE() << "ETag does not match the revision: "
                                      << ::testing::PrintToString(response);
                    }
                } else if (response.status == 412) {
                    ++refused;
                } else {
                    ADD_FAILURE() << ::testing::PrintToString(response);
                }
            }
        });
    ASSERT_TRUE(failures.empty()) << failures.front();

    const auto wins = static_cast<std::int64_t>(won_revisions.size());
    EXPECT_EQ(wins + refused, kConditionalClients * kAttemptsPerClient);
    EXPECT_GE(wins, kAttemptsPerClient) << "some client must win once per round at least";
    // One winner per revision: the winners' revisions are 2, 3, ... without repeats or gaps.
    std::vector<std::int64_t> sorted = won_revisions;
    std::ranges::sort(sorted);
    std::vector<std::int64_t> expected(sorted.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        expected[i] = static_cast<std::int64_t>(i) + 2;
    EXPECT_EQ(sorted, expected);

    auto http = client();
    const Response final_state = get_api(http, name);
    ASSERT_TRUE(HasStatus(final_state, 200));
    EXPECT_EQ(final_state.json().at("revision"), wins + 1);
    EXPECT_EQ(final_state.header("ETag"), etag_of(wins + 1));
    // The stored description is the one written by the winner of the last revision.
    const auto last = std::ranges::max_element(won_revisions) - won_revisions.begin();
    EXPECT_EQ(final_state.json().at("description"),
              json::string(won_descriptions[static_cast<std::size_t>(last)]));
}

TEST_F(ConditionalUpdates, UnconditionalPatchesAreAllApplied) {
    const std::string name = unique_name();
    {
        auto http = client();
        must_create_api(http, minimal_api(name));
    }
    constexpr int kPatchesPerClient = 10;
    const auto failures =
        run_concurrently(server().port(), kConditionalClients, [&](int c, HttpClient& http) {
            for (int i = 0; i < kPatchesPerClient; ++i) {
                // Each patch writes a new value: a patch that changes nothing need not step
                // the revision.
                const std::string description = "c" + std::to_string(c) + "-" + std::to_string(i);
                const Response response =
                    patch_api(http, name, json::object{{"description", description}});
                if (response.status != 200)
                    throw std::runtime_error(::testing::PrintToString(response));
            }
        });
    ASSERT_TRUE(failures.empty()) << failures.front();
    auto http = client();
    const Response final_state = get_api(http, name);
    ASSERT_TRUE(HasStatus(final_state, 200));
    // No change is lost: every one of them stepped the revision.
    EXPECT_EQ(final_state.json().at("revision"), kConditionalClients * kPatchesPerClient + 1);
}

TEST_F(ConditionalUpdates, RacingDeletesHaveExactlyOneWinner) {
    const std::string name = unique_name();
    {
        auto http = client();
        must_create_api(http, minimal_api(name));
    }
    std::atomic<int> deleted{0};
    std::atomic<int> missing{0};
    constexpr int kDeleters = 20;
    const auto failures = run_concurrently(server().port(), kDeleters, [&](int, HttpClient& http) {
        const Response response = delete_api(http, name);
        if (response.status == 204) {
            ++deleted;
        } else if (response.status == 404) {
            ++missing;
        } else {
            ADD_FAILURE() << ::testing::PrintToString(response);
        }
    });
    ASSERT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(deleted, 1);
    EXPECT_EQ(missing, kDeleters - 1);
}

}  // namespace
}  // namespace gateway::test
