#include "domain/api_json.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "domain/api.hpp"
#include "domain/timestamps.hpp"
#include "domain/validation.hpp"

namespace gateway::domain {
namespace {

namespace json = boost::json;

Api sample_api() {
    Api api;
    api.id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    api.spec.name = "orders";
    api.spec.description = "Orders \"v2\" \\ line\nnext\ttab \xc3\xa9 \xf0\x9f\x9a\x80";
    api.spec.version = "2.0";
    api.spec.base_path = "/orders";
    api.spec.upstream_url = "https://orders.internal:8443/api?x=1&y=2";
    api.spec.methods = {"GET", "POST"};
    api.spec.enabled = false;
    api.spec.auth_type = "api_key";
    api.spec.rate_limit_per_minute = 600;
    api.spec.timeout_ms = 1500;
    api.spec.tags = {"team:orders", "prod"};
    api.revision = 7;
    api.created_at = 1'795'762'800'123;  // 2026-11-27T07:00:00.123Z
    api.updated_at = 1'795'762'801'000;
    return api;
}

std::string text_of(const json::object& object, std::string_view key) {
    return std::string(object.at(key).as_string());
}

std::string escaped(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

TEST(ApiToJson, WritesEveryFieldInContractOrder) {
    const json::object parsed = json::parse(api_to_json(sample_api())).as_object();
    std::vector<std::string> keys;
    for (const auto& member : parsed) keys.emplace_back(member.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "name", "description", "version", "base_path",
                                              "upstream_url", "methods", "enabled", "auth_type",
                                              "rate_limit_per_minute", "timeout_ms", "tags",
                                              "revision", "created_at", "updated_at"}));
}

TEST(ApiToJson, ParsesBackToTheSameValues) {
    const Api api = sample_api();
    const json::object parsed = json::parse(api_to_json(api)).as_object();
    EXPECT_EQ(text_of(parsed, "id"), api.id);
    EXPECT_EQ(text_of(parsed, "description"), api.spec.description);
    EXPECT_EQ(text_of(parsed, "upstream_url"), api.spec.upstream_url);
    EXPECT_EQ(parsed.at("methods"), (json::array{"GET", "POST"}));
    EXPECT_EQ(parsed.at("enabled"), false);
    EXPECT_EQ(parsed.at("rate_limit_per_minute"), 600);
    EXPECT_EQ(parsed.at("timeout_ms"), 1500);
    EXPECT_EQ(parsed.at("tags"), (json::array{"team:orders", "prod"}));
    EXPECT_EQ(parsed.at("revision"), 7);
    EXPECT_EQ(text_of(parsed, "created_at"), "2026-11-27T07:00:00.123Z");
    EXPECT_EQ(text_of(parsed, "updated_at"), "2026-11-27T07:00:01.000Z");
}

TEST(ApiToJson, RoundTripsThroughValidationOfTheWritableFields) {
    const Api api = sample_api();
    const auto spec = spec_from_json(json::parse(api_to_json(api)).as_object());
    ASSERT_TRUE(spec.has_value());
    EXPECT_EQ(*spec, api.spec);
}

TEST(ApiToJson, WritesNullForUnlimitedRateAndEmptyTags) {
    Api api = sample_api();
    api.spec.rate_limit_per_minute.reset();
    api.spec.tags.clear();
    const json::object parsed = json::parse(api_to_json(api)).as_object();
    EXPECT_TRUE(parsed.at("rate_limit_per_minute").is_null());
    EXPECT_EQ(parsed.at("tags"), json::array{});
}

TEST(ApiToJson, AppendsAfterExistingText) {
    std::string out = "[";
    append_api_json(out, sample_api());
    out += "]";
    EXPECT_TRUE(json::parse(out).is_array());
}

TEST(SpecToJsonObject, HoldsExactlyTheWritableFields) {
    const json::object object = spec_to_json_object(sample_api().spec);
    std::vector<std::string> keys;
    for (const auto& member : object) keys.emplace_back(member.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"name", "description", "version", "base_path",
                                              "upstream_url", "methods", "enabled", "auth_type",
                                              "rate_limit_per_minute", "timeout_ms", "tags"}));
}

TEST(SpecToJsonObject, ValidatesBackToTheSameSpec) {
    const ApiSpec spec = sample_api().spec;
    const auto result = spec_from_json(spec_to_json_object(spec));
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, spec);
}

TEST(SpecToJsonObject, WritesNullForUnlimitedRate) {
    ApiSpec spec = sample_api().spec;
    spec.rate_limit_per_minute.reset();
    EXPECT_TRUE(spec_to_json_object(spec).at("rate_limit_per_minute").is_null());
}

struct Escape {
    std::string input;
    std::string expected;
};

class AppendJsonString : public ::testing::TestWithParam<Escape> {};

TEST_P(AppendJsonString, EscapesAsRfc8259Asks) {
    EXPECT_EQ(escaped(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AppendJsonString,
    ::testing::Values(Escape{"", R"("")"}, Escape{"plain", R"("plain")"},
                      Escape{"say \"hi\"", R"("say \"hi\"")"}, Escape{"a\\b", R"("a\\b")"},
                      Escape{"\n\r\t\b\f", R"("\n\r\t\b\f")"},
                      Escape{std::string("\x00\x01\x1f", 3), R"("\u0000\u0001\u001f")"},
                      Escape{"/ and \x7f", "\"/ and \x7f\""},
                      Escape{"\xc3\xa9\xe2\x82\xac\xf0\x9f\x9a\x80",
                             "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x9a\x80\""},
                      // Malformed UTF-8 must still give valid JSON.
                      Escape{"a\xff"
                             "b",
                             R"("a\ufffdb")"},
                      Escape{"\xc3", R"("\ufffd")"},
                      Escape{"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},  // a surrogate
                      Escape{"\xc0\xaf", R"("\ufffd\ufffd")"}));          // overlong '/'

TEST(JsonStringEscaping, AlwaysGivesParseableJson) {
    std::string every_byte;
    for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
    const json::value parsed = json::parse(escaped(every_byte));
    ASSERT_TRUE(parsed.is_string());
    EXPECT_EQ(parsed.as_string().subview(0, 128), std::string_view(every_byte).substr(0, 128));
}

}  // namespace
}  // namespace gateway::domain
