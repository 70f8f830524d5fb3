#include "domain/ids.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace gateway::domain {
namespace {

TEST(NewApiId, IsCanonicalLowerCaseUuid) {
    const std::string id = new_api_id();
    EXPECT_TRUE(looks_like_uuid(id)) << id;
    for (const char c : id)
        EXPECT_TRUE(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
}

TEST(NewApiId, CarriesVersion4AndTheRfcVariant) {
    for (int i = 0; i < 200; ++i) {
        const std::string id = new_api_id();
        EXPECT_EQ(id[14], '4') << id;
        EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    }
}

TEST(NewApiId, DoesNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(new_api_id());
    EXPECT_EQ(seen.size(), 1000u);
}

class UuidShaped : public ::testing::TestWithParam<std::string> {};
TEST_P(UuidShaped, IsAccepted) {
    EXPECT_TRUE(looks_like_uuid(GetParam()));
}
INSTANTIATE_TEST_SUITE_P(Texts, UuidShaped,
                         ::testing::Values("0f8fad5b-d9cb-469f-a165-70867728950e",
                                           "0F8FAD5B-D9CB-469F-A165-70867728950E",
                                           "00000000-0000-0000-0000-000000000000"));

class NotUuidShaped : public ::testing::TestWithParam<std::string> {};
TEST_P(NotUuidShaped, IsRejected) {
    EXPECT_FALSE(looks_like_uuid(GetParam()));
}
INSTANTIATE_TEST_SUITE_P(Texts, NotUuidShaped,
                         ::testing::Values("", "orders", "0f8fad5b-d9cb-469f-a165-70867728950",
                                           "0f8fad5b-d9cb-469f-a165-70867728950e0",
                                           "0f8fad5bd9cb-469f-a165-70867728950e-",
                                           "0f8fad5b-d9cb-469f-a165_70867728950e",
                                           "0f8fad5g-d9cb-469f-a165-70867728950e",
                                           "{0f8fad5b-d9cb-469f-a165-70867728950}",
                                           "0f8fad5bXd9cbX469fXa165X70867728950e"));

}  // namespace
}  // namespace gateway::domain
