#include "domain/precondition.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gateway::domain {
namespace {

TEST(EtagFor, QuotesTheRevision) {
    EXPECT_EQ(etag_for(3), "\"3\"");
    EXPECT_EQ(etag_for(1234567), "\"1234567\"");
}

TEST(Precondition, NoneAdmitsEveryRevision) {
    const Precondition none = Precondition::none();
    EXPECT_FALSE(none.is_set());
    EXPECT_TRUE(none.admits(1));
    EXPECT_TRUE(none.admits(99));
}

TEST(Precondition, RevisionAdmitsExactlyThatRevision) {
    const Precondition exact = Precondition::revision(4);
    EXPECT_TRUE(exact.is_set());
    EXPECT_TRUE(exact.admits(4));
    EXPECT_FALSE(exact.admits(3));
    EXPECT_FALSE(exact.admits(5));
}

TEST(Precondition, StarAdmitsAnyRevision) {
    const Precondition star = Precondition::from_if_match(" * ");
    EXPECT_TRUE(star.is_set());
    EXPECT_TRUE(star.any());
    EXPECT_TRUE(star.admits(1));
    EXPECT_TRUE(star.admits(77));
}

TEST(Precondition, EtagForRevisionIsAdmittedBack) {
    EXPECT_TRUE(Precondition::from_if_match(etag_for(12)).admits(12));
}

struct Header {
    std::string value;
    std::vector<std::int64_t> revisions;
};

class IfMatch : public ::testing::TestWithParam<Header> {};

TEST_P(IfMatch, CollectsOnlyStrongDecimalTags) {
    const Precondition precondition = Precondition::from_if_match(GetParam().value);
    EXPECT_TRUE(precondition.is_set());
    EXPECT_FALSE(precondition.any());
    EXPECT_EQ(precondition.revisions(), GetParam().revisions) << GetParam().value;
}

TEST_P(IfMatch, AdmitsNothingElse) {
    const Precondition precondition = Precondition::from_if_match(GetParam().value);
    EXPECT_FALSE(precondition.admits(1000));
    for (const std::int64_t revision : GetParam().revisions) {
        EXPECT_TRUE(precondition.admits(revision));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Headers, IfMatch,
    ::testing::Values(Header{R"("3")", {3}}, Header{R"("1", "2","3")", {1, 2, 3}},
                      Header{"\t\"5\" ,  \"6\"\t", {5, 6}}, Header{R"(W/"3")", {}},
                      Header{R"(W/"3", "4")", {4}}, Header{"3", {}}, Header{R"("03")", {}},
                      Header{R"("-3")", {}}, Header{R"("3x")", {}}, Header{R"("")", {}},
                      Header{R"("3)", {}}, Header{R"("3"")", {}}, Header{R"("1,2")", {}},
                      Header{R"("1,2", "7")", {7}}, Header{R"(*, "3")", {3}},
                      Header{R"("99999999999999999999")", {}}, Header{"", {}}, Header{" , ,", {}},
                      Header{R"(junk, "8", W/"9")", {8}}));

}  // namespace
}  // namespace gateway::domain
