// One line per answered request: method, target, status, duration.
#pragma once

#include <chrono>
#include <string_view>

namespace gateway::http {

void log_access(std::string_view method, std::string_view target, unsigned status,
                std::chrono::steady_clock::duration took);

}  // namespace gateway::http
