#include "support/api_samples.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <regex>

namespace gateway::test {

namespace json = boost::json;

namespace {

constexpr std::size_t kTestNamePartChars = 60;

std::string random_hex(std::size_t digits) {
    std::random_device device;
    std::uniform_int_distribution<int> nibble(0, 15);
    std::string text;
    for (std::size_t i = 0; i < digits; ++i) text += "0123456789abcdef"[nibble(device)];
    return text;
}

// Test names may hold '/' (parameterised tests); names allow [A-Za-z0-9._-] only.
std::string name_safe(std::string_view text) {
    std::string safe;
    for (char c : text) {
        const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_';
        safe += allowed ? c : '-';
    }
    return safe;
}

bool matches(std::string_view text, const char* pattern) {
    return std::regex_match(text.begin(), text.end(), std::regex(pattern));
}

}  // namespace

std::string unique_name(std::string_view label) {
    std::string name = "t";
    if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
        name = name_safe(test->name()).substr(0, kTestNamePartChars);
    }
    if (!label.empty()) name += "-" + name_safe(label);
    // 48 random bits: tests create thousands of names at most, so they never collide.
    return name + "-" + random_hex(12);
}

std::string unique_tag() {
    return "tag-" + random_hex(16);
}

json::object minimal_api(std::string_view name) {
    return json::object{{"name", name},
                        {"base_path", "/" + std::string(name)},
                        {"upstream_url", "http://127.0.0.1:9/" + std::string(name)}};
}

json::object full_api(std::string_view name) {
    json::object api = minimal_api(name);
    api["description"] = "Every field set";
    api["version"] = "v2.1";
    api["methods"] = json::array{"GET", "POST", "DELETE"};
    api["enabled"] = false;
    api["auth_type"] = "jwt";
    api["rate_limit_per_minute"] = 600;
    api["timeout_ms"] = 1500;
    api["tags"] = json::array{"team:payments", "tier-1"};
    return api;
}

json::object default_optional_fields() {
    return json::object{
        {"description", ""},   {"version", "v1"},      {"methods", json::array{"GET"}},
        {"enabled", true},     {"auth_type", "none"},  {"rate_limit_per_minute", nullptr},
        {"timeout_ms", 30000}, {"tags", json::array{}}};
}

bool is_uuid_v4(std::string_view text) {
    return matches(text,
                   "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-"
                   "[0-9a-fA-F]{12}");
}

bool is_utc_millis_timestamp(std::string_view text) {
    return matches(text, R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
}

}  // namespace gateway::test
