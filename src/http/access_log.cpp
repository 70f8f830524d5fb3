#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

namespace gateway::http {

void log_access(spdlog::logger& log, std::string_view method, std::string_view target,
                unsigned status, std::chrono::steady_clock::duration took) {
    if (!log.should_log(spdlog::level::info)) return;
    // A hostile client controls the target; cap what it can put in the log.
    constexpr std::size_t max_target = 256;
    const bool cut = target.size() > max_target;
    const double millis = std::chrono::duration<double, std::milli>(took).count();
    log.info("{} {}{} {} {:.3f}ms", method, target.substr(0, max_target), cut ? "..." : "", status,
             millis);
}

}  // namespace gateway::http
