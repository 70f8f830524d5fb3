#include "db/pg_binary.hpp"

#include <gtest/gtest.h>

namespace gateway::db::binary {
namespace {

using namespace std::string_literals;

std::string big_endian(std::int64_t value, int width) {
    std::string bytes(static_cast<std::size_t>(width), '\0');
    for (int i = width - 1; i >= 0; --i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
        value >>= 8;
    }
    return bytes;
}

// array_send's layout for a one-dimensional text[].
std::string text_array(const std::vector<std::string>& elements) {
    if (elements.empty()) return big_endian(0, 4) + big_endian(0, 4) + big_endian(kTextOid, 4);
    std::string bytes = big_endian(1, 4) + big_endian(0, 4) + big_endian(kTextOid, 4) +
                        big_endian(static_cast<std::int64_t>(elements.size()), 4) +
                        big_endian(1, 4);
    for (const auto& element : elements) {
        bytes += big_endian(static_cast<std::int64_t>(element.size()), 4) + element;
    }
    return bytes;
}

TEST(PgBinary, DecodesIntegersOfTheirExactWidth) {
    EXPECT_EQ(decode_int4(big_endian(30000, 4)), 30000);
    EXPECT_EQ(decode_int4(big_endian(-2, 4)), -2);
    EXPECT_EQ(decode_int8(big_endian(9'007'199'254'740'993, 8)), 9'007'199'254'740'993);
    EXPECT_EQ(decode_int8(big_endian(-1, 8)), -1);
    EXPECT_FALSE(decode_int4(big_endian(1, 8)));
    EXPECT_FALSE(decode_int8(big_endian(1, 4)));
    EXPECT_EQ(decode_bool("\x01"s), true);
    EXPECT_EQ(decode_bool("\x00"s), false);
    EXPECT_FALSE(decode_bool(""));
}

TEST(PgBinary, FormatsUuidsCanonically) {
    const std::string bytes = "\x12\x3e\x45\x67\xe8\x9b\x12\xd3\xa4\x56\x42\x66\x14\x17\x40\x00"s;
    EXPECT_EQ(decode_uuid(bytes), "123e4567-e89b-12d3-a456-426614174000");
    EXPECT_FALSE(decode_uuid(bytes.substr(1)));
}

TEST(PgBinary, TimestampsBecomeUnixMillisRoundedDown) {
    // 2000-01-01T00:00:00.000Z is PostgreSQL's zero.
    EXPECT_EQ(decode_timestamptz_millis(big_endian(0, 8)), 946'684'800'000);
    EXPECT_EQ(decode_timestamptz_millis(big_endian(1'999, 8)), 946'684'800'001);
    // Before 1970 the division must still round toward the past.
    EXPECT_EQ(decode_timestamptz_millis(big_endian(-946'684'800'000'500, 8)), -1);
    EXPECT_FALSE(decode_timestamptz_millis(big_endian(INT64_MAX, 8)));  // 'infinity'
    EXPECT_FALSE(decode_timestamptz_millis(big_endian(0, 4)));
}

TEST(PgBinary, DecodesTextArrays) {
    using Elements = std::vector<std::string>;
    EXPECT_EQ(decode_text_array(text_array({})), Elements{});
    const Elements tricky{"GET", "", "a\"b\\c", "NULL", "x,y{}", "\xc3\xa9"};
    EXPECT_EQ(decode_text_array(text_array(tricky)), tricky);
}

TEST(PgBinary, RefusesMalformedArrays) {
    const std::string good = text_array({"a", "b"});
    EXPECT_FALSE(decode_text_array(good.substr(0, good.size() - 1)));  // truncated
    EXPECT_FALSE(decode_text_array(good + "x"));                       // trailing bytes
    std::string with_null_flag = good;
    with_null_flag[7] = 1;
    EXPECT_FALSE(decode_text_array(with_null_flag));
    std::string two_dimensions = good;
    two_dimensions[3] = 2;
    EXPECT_FALSE(decode_text_array(two_dimensions));
    std::string int_elements = good;
    int_elements[11] = 23;  // int4 instead of text
    EXPECT_FALSE(decode_text_array(int_elements));
    // A count far beyond the bytes present is refused before anything is reserved.
    std::string huge_count = big_endian(1, 4) + big_endian(0, 4) + big_endian(kTextOid, 4) +
                             big_endian(0x7fffffff, 4) + big_endian(1, 4);
    EXPECT_FALSE(decode_text_array(huge_count));
    std::string null_element = big_endian(1, 4) + big_endian(0, 4) + big_endian(kTextOid, 4) +
                               big_endian(1, 4) + big_endian(1, 4) + big_endian(-1, 4);
    EXPECT_FALSE(decode_text_array(null_element));
}

}  // namespace
}  // namespace gateway::db::binary
