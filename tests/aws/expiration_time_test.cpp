#include "aws/expiration_time.hpp"

#include <gtest/gtest.h>

namespace gateway::aws {
namespace {

using namespace std::chrono;

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    return sys_days{year{y} / month{mo} / day{d}} + hours(h) + minutes(mi) + seconds(s);
}

TEST(ExpirationTime, ParsesTheFormsAwsWrites) {
    EXPECT_EQ(parse_iso8601("2024-05-01T12:34:56Z"), utc(2024, 5, 1, 12, 34, 56));
    EXPECT_EQ(parse_iso8601("2024-05-01T12:34:56.250Z"),
              utc(2024, 5, 1, 12, 34, 56) + milliseconds(250));
    EXPECT_EQ(parse_iso8601("2024-05-01T12:34:56.123456789Z"),
              utc(2024, 5, 1, 12, 34, 56) + milliseconds(123));
    EXPECT_EQ(parse_iso8601("2024-05-01T14:34:56+02:00"), utc(2024, 5, 1, 12, 34, 56));
    EXPECT_EQ(parse_iso8601("2024-05-01T07:04:56-0530"), utc(2024, 5, 1, 12, 34, 56));
    EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), utc(2024, 2, 29, 0, 0, 0));
}

TEST(ExpirationTime, RefusesEverythingElse) {
    for (const std::string_view text :
         {"", "2024-05-01", "2024-05-01T12:34:56", "2024-05-01 12:34:56Z", "2024-13-01T00:00:00Z",
          "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:34:56.Z",
          "2024-05-01T12:34:56Zjunk", "1714566896", "2024-5-1T1:2:3Z", "2024-05-01T12:34:56+2"}) {
        EXPECT_FALSE(parse_iso8601(text).has_value()) << text;
    }
}

TEST(ExpirationTime, FormatsWholeSecondsInUtc) {
    EXPECT_EQ(format_iso8601(utc(2024, 5, 1, 2, 3, 4) + milliseconds(900)), "2024-05-01T02:03:04Z");
    const auto now = floor<seconds>(system_clock::now());
    EXPECT_EQ(parse_iso8601(format_iso8601(now)), now);
}

}  // namespace
}  // namespace gateway::aws
