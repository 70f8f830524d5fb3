// The instants AWS writes into credential responses: ISO 8601 UTC times such as
// "2024-05-01T12:00:00Z" (STS, the container endpoint, instance metadata and
// AWS_CREDENTIAL_EXPIRATION all use this form).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::aws {

// YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or an offset (+HH:MM, +HHMM).
// nullopt for anything else, including impossible dates.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

// YYYY-MM-DDTHH:MM:SSZ, whole seconds, for messages and the test stand-ins.
std::string format_iso8601(std::chrono::system_clock::time_point time);

}  // namespace gateway::aws
