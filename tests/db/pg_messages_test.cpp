// clean_libpq_message and describe_duration: pure functions, no database.
#include <gtest/gtest.h>

#include "db/pg_messages.hpp"

namespace gateway::db {
namespace {

using namespace std::chrono_literals;

TEST(CleanLibpqMessage, JoinsLinesIntoOneSentenceEach) {
    const auto message = clean_libpq_message(
        "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused\n"
        "\tIs the server running on that host and accepting TCP/IP connections?\n",
        "");
    EXPECT_EQ(message.text,
              "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused. Is "
              "the server running on that host and accepting TCP/IP connections?");
    EXPECT_EQ(message.sqlstate, "");
}

TEST(CleanLibpqMessage, SplitsOutTheSqlstateAndDropsTheLocation) {
    const auto message = clean_libpq_message(
        "connection to server at \"db\", port 5432 failed: FATAL:  28P01: password "
        "authentication failed for user \"app\"\nLOCATION:  auth_failed, auth.c:326\n",
        "");
    EXPECT_EQ(message.sqlstate, "28P01");
    EXPECT_EQ(message.text,
              "connection to server at \"db\", port 5432 failed: FATAL: password authentication "
              "failed for user \"app\"");
}

TEST(CleanLibpqMessage, MasksThePasswordWhereverItAppears) {
    const auto message = clean_libpq_message("bad value \"s3cret!\" and again s3cret!", "s3cret!");
    EXPECT_EQ(message.text, "bad value \"********\" and again ********");
}

TEST(CleanLibpqMessage, LeavesVeryShortPasswordsAlone) {
    EXPECT_EQ(clean_libpq_message("a message", "a").text, "a message");
}

TEST(CleanLibpqMessage, SaysSoWhenLibpqSaidNothing) {
    EXPECT_EQ(clean_libpq_message("\n", "").text, "no details from libpq");
}

TEST(DescribeDuration, WritesSecondsWithOnlyTheNeededDecimals) {
    EXPECT_EQ(describe_duration(30s), "30s");
    EXPECT_EQ(describe_duration(300ms), "0.3s");
    EXPECT_EQ(describe_duration(1250ms), "1.25s");
    EXPECT_EQ(describe_duration(5ms), "0.005s");
}

}  // namespace
}  // namespace gateway::db
