#include "aws/base64.hpp"

#include <gtest/gtest.h>

namespace gateway::aws {
namespace {

TEST(Base64, Rfc4648Vectors) {
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_EQ(base64_decode("Zg=="), "f");
    EXPECT_EQ(base64_decode("Zm8="), "fo");
    EXPECT_EQ(base64_decode("Zm9v"), "foo");
    EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
    EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
    EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64, EveryByteValue) {
    EXPECT_EQ(base64_decode("AP8A/w+/"), std::string("\x00\xff\x00\xff\x0f\xbf", 6));
}

TEST(Base64, MalformedTextIsRefused) {
    for (const auto* text :
         {"Zg", "Zg=", "Z===", "Zm9v!", "Zm9-", "Zm_v", "Zg==Zg==", "=Zg=", "Zm 9v"}) {
        EXPECT_FALSE(base64_decode(text)) << text;
    }
}

}  // namespace
}  // namespace gateway::aws
