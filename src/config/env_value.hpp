// Reading one environment variable strictly: a set but malformed value is an error
// that names the variable, never a silent default.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace gateway::config {

// The value of `name`; nullopt when unset or empty, since deployment templates often
// render an unset variable as an empty string.
std::optional<std::string_view> lookup(const EnvMap& env, std::string_view name);

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view text);

// Plain decimal digits only, so "+80", " 80" and "80x" fail; a leading '-' only when
// min is negative. nullopt when malformed or outside [min, max].
std::optional<long long> parse_integer(std::string_view text, long long min, long long max);

// true/false, 1/0, yes/no, on/off in any case.
std::optional<bool> parse_boolean(std::string_view text);

// Seconds such as "5" or "0.5", greater than 0 and at most max_seconds. Rounded up to
// whole milliseconds so that a tiny positive timeout never becomes zero.
std::optional<std::chrono::milliseconds> parse_decimal_seconds(std::string_view text,
                                                               long long max_seconds);

// The same parsers applied to a variable: nullopt when unset, ConfigError when malformed.
std::optional<long long> read_integer(const EnvMap& env, std::string_view name, long long min,
                                      long long max);
std::optional<bool> read_boolean(const EnvMap& env, std::string_view name);
std::optional<std::chrono::milliseconds> read_decimal_seconds(const EnvMap& env,
                                                              std::string_view name,
                                                              long long max_seconds);

}  // namespace gateway::config
