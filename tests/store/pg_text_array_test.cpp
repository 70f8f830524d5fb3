#include "store/pg_text_array.hpp"

#include <gtest/gtest.h>

namespace gateway::store {
namespace {

using Elements = std::vector<std::string>;

TEST(FormatTextArray, QuotesEveryElementAndEscapesQuotesAndBackslashes) {
    EXPECT_EQ(format_text_array({}), "{}");
    EXPECT_EQ(format_text_array({"GET", "POST"}), R"({"GET","POST"})");
    EXPECT_EQ(format_text_array({"a\"b", "c\\d", "", "NULL", "x,y{}"}),
              R"({"a\"b","c\\d","","NULL","x,y{}"})");
}

TEST(ParseTextArray, ReadsWhatTheServerPrints) {
    EXPECT_EQ(parse_text_array("{}"), Elements{});
    EXPECT_EQ(parse_text_array("{GET,POST}"), (Elements{"GET", "POST"}));
    EXPECT_EQ(parse_text_array(R"({"NULL","a b","c\"d","e\\f",""})"),
              (Elements{"NULL", "a b", "c\"d", "e\\f", ""}));
    EXPECT_EQ(parse_text_array("{ a , b }"), (Elements{"a", "b"}));
}

TEST(ParseTextArray, RoundTripsWhatFormatWrites) {
    const Elements tags{"public", "v2", "team:core", "a\"b\\c", "null", ""};
    EXPECT_EQ(parse_text_array(format_text_array(tags)), tags);
}

TEST(ParseTextArray, RefusesNullElementsAndMalformedLiterals) {
    for (const char* literal : {"", "{", "}", "{a", "{a,}", "{,a}", "{NULL}", "{a,null}", R"({"a})",
                                "{{a}}", "{a}b", "[1:1]={a}", R"({a"b})"}) {
        EXPECT_FALSE(parse_text_array(literal).has_value()) << literal;
    }
}

}  // namespace
}  // namespace gateway::store
