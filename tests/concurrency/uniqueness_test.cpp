// Racing creates: uniqueness is checked and the row written in one atomic step, so of
// many clients claiming one name or base path at the same moment exactly one wins.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <cctype>
#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/parallel_clients.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

constexpr int kContendingClients = 50;

struct Outcomes {
    std::atomic<int> created{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> other{0};
};

// `won` is the success status of the request raced: 201 for a create, 200 for an update.
void count(Outcomes& outcomes, const Response& response, unsigned won = 201) {
    if (response.status == won) {
        ++outcomes.created;
    } else if (response.status == 409) {
        ++outcomes.conflicts;
    } else {
        ++outcomes.other;
        ADD_FAILURE() << ::testing::PrintToString(response);
    }
}

// `name` with the letters' case chosen by the bits of `variant`.
std::string case_variant(const std::string& name, int variant) {
    std::string result = name;
    int bit = 0;
    for (char& c : result) {
        if (!std::isalpha(static_cast<unsigned char>(c))) continue;
        if ((variant >> (bit++ % 16)) & 1) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return result;
}

using RacingCreates = ParallelServerTest;

TEST_F(RacingCreates, OneNameHasExactlyOneWinner) {
    const std::string name = unique_name();
    Outcomes outcomes;
    const auto failures =
        run_concurrently(server().port(), kContendingClients, [&](int i, HttpClient& http) {
            json::object body = minimal_api(name);
            body["base_path"] = "/" + name + "/client-" + std::to_string(i);
            count(outcomes, create_api(http, body));
        });
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(outcomes.created, 1);
    EXPECT_EQ(outcomes.conflicts, kContendingClients - 1);
    auto http = client();
    EXPECT_TRUE(HasStatus(get_api(http, name), 200));
}

TEST_F(RacingCreates, OneNameInManyCasesHasExactlyOneWinner) {
    const std::string name = unique_name();
    Outcomes outcomes;
    const auto failures =
        run_concurrently(server().port(), kContendingClients, [&](int i, HttpClient& http) {
            json::object body = minimal_api(case_variant(name, i * 7919));
            body["base_path"] = "/" + name + "/client-" + std::to_string(i);
            count(outcomes, create_api(http, body));
        });
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(outcomes.created, 1);
    EXPECT_EQ(outcomes.conflicts, kContendingClients - 1);
}

TEST_F(RacingCreates, OneBasePathHasExactlyOneWinner) {
    const std::string base_path = "/" + unique_name("shared");
    Outcomes outcomes;
    const auto failures =
        run_concurrently(server().port(), kContendingClients, [&](int, HttpClient& http) {
            json::object body = minimal_api(unique_name());
            body["base_path"] = base_path;
            count(outcomes, create_api(http, body));
        });
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(outcomes.created, 1);
    EXPECT_EQ(outcomes.conflicts, kContendingClients - 1);
}

TEST_F(RacingCreates, RenamesIntoOneNameHaveExactlyOneWinner) {
    auto http = client();
    std::vector<std::string> names;
    for (int i = 0; i < kContendingClients; ++i) {
        names.push_back(unique_name("own"));
        must_create_api(http, minimal_api(names.back()));
    }
    const std::string target = unique_name("target");
    Outcomes outcomes;
    const auto failures =
        run_concurrently(server().port(), kContendingClients, [&](int i, HttpClient& mine) {
            const Response response =
                patch_api(mine, names[static_cast<std::size_t>(i)], json::object{{"name", target}});
            count(outcomes, response, 200);
        });
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(outcomes.created, 1);
    EXPECT_EQ(outcomes.conflicts, kContendingClients - 1);
}

}  // namespace
}  // namespace gateway::test
