#include "domain/timestamps.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace gateway::domain {
namespace {

struct Known {
    Millis at;
    std::string text;
};

class FormatTimestamp : public ::testing::TestWithParam<Known> {};

TEST_P(FormatTimestamp, GivesTheKnownText) {
    EXPECT_EQ(format_timestamp(GetParam().at), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    KnownInstants, FormatTimestamp,
    ::testing::Values(Known{0, "1970-01-01T00:00:00.000Z"},
                      Known{1'795'762'800'123, "2026-11-27T07:00:00.123Z"},
                      Known{1'709'251'199'999, "2024-02-29T23:59:59.999Z"},  // leap day
                      Known{951'825'600'000, "2000-02-29T12:00:00.000Z"},    // 400-year leap
                      Known{4'107'542'400'000, "2100-03-01T00:00:00.000Z"},  // 2100: no leap
                      Known{-1, "1969-12-31T23:59:59.999Z"},
                      Known{1'000, "1970-01-01T00:00:01.000Z"},
                      Known{7, "1970-01-01T00:00:00.007Z"},
                      Known{253'402'300'799'999, "9999-12-31T23:59:59.999Z"}));

TEST(AppendTimestamp, AppendsToExistingText) {
    std::string out = "at ";
    append_timestamp(out, 0);
    EXPECT_EQ(out, "at 1970-01-01T00:00:00.000Z");
}

TEST(NowMillis, IsAfterThisCodeWasWritten) {
    EXPECT_GT(now_millis(), 1'767'225'600'000);  // 2026-01-01
}

TEST(NowMillis, IsTheSystemClockInMilliseconds) {
    using namespace std::chrono;
    const Millis expected =
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    // Adjacent calls: a difference of whole seconds would mean a wrong unit or epoch.
    EXPECT_NEAR(static_cast<double>(now_millis()), static_cast<double>(expected), 1'000.0);
}

}  // namespace
}  // namespace gateway::domain
