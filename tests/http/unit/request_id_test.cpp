// The pure parts of request correlation: which ids are kept, which traceparents read, and
// how many 5xx warnings a second may write.
#include "http/request_id.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "http/access_log.hpp"

namespace gateway::http {
namespace {

using namespace std::chrono_literals;

TEST(AcceptableRequestId, KeepsSafeIdsUpTo128Characters) {
    EXPECT_EQ(acceptable_request_id("a"), "a");
    EXPECT_EQ(acceptable_request_id("req-1_2.3:4+5/6=7@8"), "req-1_2.3:4+5/6=7@8");
    const std::string longest(128, 'x');
    EXPECT_EQ(acceptable_request_id(longest), longest);
}

TEST(AcceptableRequestId, RefusesWhatCouldSplitAHeaderOrForgeALogField) {
    for (const std::string& id : {std::string(), std::string(129, 'x'), std::string("a b"),
                                 std::string("a\"b"), std::string("a\\b"), std::string("a\nb"),
                                 std::string("a\tb"), std::string("a,b"), std::string("é")}) {
        EXPECT_FALSE(acceptable_request_id(id)) << id;
    }
}

TEST(TraceIdOf, ReadsVersion00) {
    EXPECT_EQ(trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
              "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceIdOf, ReadsALaterVersionWithMoreFields) {
    EXPECT_EQ(trace_id_of("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"),
              "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceIdOf, RefusesMalformedOnes) {
    for (const char* header : {
             "",
             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 has no more
             "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // forbidden version
             "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
             "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
             "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
             "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // separator
             "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // no dash after
         }) {
        EXPECT_FALSE(trace_id_of(header)) << header;
    }
}

TEST(RequestIdSource, MakesDistinctLowerHexIds) {
    RequestIdSource first;
    RequestIdSource second;
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        for (auto* source : {&first, &second}) {
            const std::string id = source->next();
            ASSERT_EQ(id.size(), 32u);
            ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
            seen.insert(id);
        }
    }
    EXPECT_EQ(seen.size(), 2000u);
}

TEST(WarningBudget, AllowsSoManyASecondThenSaysHowManyWereLeftOut) {
    WarningBudget budget(3);
    const auto start = std::chrono::steady_clock::time_point{} + 100s;
    std::uint64_t left_out = 99;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(budget.take(start + std::chrono::milliseconds(i), left_out));
        EXPECT_EQ(left_out, 0u);
    }
    EXPECT_FALSE(budget.take(start + 10ms, left_out));
    EXPECT_FALSE(budget.take(start + 999ms, left_out));
    // A new second: the first warning in it reports the two left out.
    EXPECT_TRUE(budget.take(start + 1s, left_out));
    EXPECT_EQ(left_out, 2u);
    EXPECT_TRUE(budget.take(start + 1s + 1ms, left_out));
    EXPECT_EQ(left_out, 0u);
}

}  // namespace
}  // namespace gateway::http
