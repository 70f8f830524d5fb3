// One line per answered request: method, target, status, duration.
#pragma once

#include <chrono>
#include <string_view>

#include <spdlog/logger.h>

namespace gateway::http {

// `log` is the access logger of the calling worker thread.
void log_access(spdlog::logger& log, std::string_view method, std::string_view target,
                unsigned status, std::chrono::steady_clock::duration took);

}  // namespace gateway::http
