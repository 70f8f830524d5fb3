#include "store/pg_text_array.hpp"

#include <gtest/gtest.h>

namespace gateway::store {
namespace {

TEST(FormatTextArray, QuotesEveryElementAndEscapesQuotesAndBackslashes) {
    EXPECT_EQ(format_text_array({}), "{}");
    EXPECT_EQ(format_text_array({"GET", "POST"}), R"({"GET","POST"})");
    EXPECT_EQ(format_text_array({"a\"b", "c\\d", "", "NULL", "x,y{}"}),
              R"({"a\"b","c\\d","","NULL","x,y{}"})");
}

}  // namespace
}  // namespace gateway::store
