#include "config/env_value.hpp"

#include <algorithm>
#include <charconv>

namespace gateway::config {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::optional<std::string_view> lookup(const EnvMap& env, std::string_view name) {
    const auto found = env.find(name);
    if (found == env.end() || found->second.empty()) return std::nullopt;
    return std::string_view{found->second};
}

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, {}, lower, lower);
}

std::string to_lower(std::string_view text) {
    std::string result(text);
    std::ranges::transform(result, result.begin(), lower);
    return result;
}

std::optional<long long> parse_integer(std::string_view text, long long min, long long max) {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '-') {
        if (min >= 0) return std::nullopt;
        digits.remove_prefix(1);
    }
    if (!all_digits(digits)) return std::nullopt;
    long long value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || stop != end) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

std::optional<bool> parse_boolean(std::string_view text) {
    for (const std::string_view yes : {"true", "1", "yes", "on"}) {
        if (iequals(text, yes)) return true;
    }
    for (const std::string_view no : {"false", "0", "no", "off"}) {
        if (iequals(text, no)) return false;
    }
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_decimal_seconds(std::string_view text,
                                                               long long max_seconds) {
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (dot != std::string_view::npos && !all_digits(fraction)) return std::nullopt;
    const auto seconds = parse_integer(whole, 0, max_seconds);
    if (!seconds) return std::nullopt;

    long long millis = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    const bool finer_than_millis =
        fraction.size() > 3 &&
        std::any_of(fraction.begin() + 3, fraction.end(), [](char c) { return c != '0'; });
    const long long total = *seconds * 1000 + millis + (finer_than_millis ? 1 : 0);
    if (total <= 0 || total > max_seconds * 1000) return std::nullopt;
    return std::chrono::milliseconds{total};
}

std::optional<long long> read_integer(const EnvMap& env, std::string_view name, long long min,
                                      long long max) {
    const auto text = lookup(env, name);
    if (!text) return std::nullopt;
    const auto value = parse_integer(*text, min, max);
    if (!value) {
        throw ConfigError(std::string(name), "expected an integer from " + std::to_string(min) +
                                                 " to " + std::to_string(max));
    }
    return value;
}

std::optional<bool> read_boolean(const EnvMap& env, std::string_view name) {
    const auto text = lookup(env, name);
    if (!text) return std::nullopt;
    const auto value = parse_boolean(*text);
    if (!value) {
        throw ConfigError(std::string(name), "expected true or false (or 1/0, yes/no, on/off)");
    }
    return value;
}

std::optional<std::chrono::milliseconds> read_decimal_seconds(const EnvMap& env,
                                                              std::string_view name,
                                                              long long max_seconds) {
    const auto text = lookup(env, name);
    if (!text) return std::nullopt;
    const auto value = parse_decimal_seconds(*text, max_seconds);
    if (!value) {
        throw ConfigError(std::string(name),
                          "expected a number of seconds greater than 0 and at most " +
                              std::to_string(max_seconds) + ", such as 5 or 0.5");
    }
    return value;
}

}  // namespace gateway::config
