// Wall-clock time in the contract's format.
#pragma once

#include <string>

#include "domain/api.hpp"

namespace gateway::domain {

Millis now_millis();

// RFC 3339, UTC, milliseconds: 2026-11-27T07:00:00.123Z
std::string format_timestamp(Millis at);
void append_timestamp(std::string& out, Millis at);

}  // namespace gateway::domain
