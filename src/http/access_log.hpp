// One line per answered request, and a warning for each answer of the 5xx class.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <spdlog/logger.h>

namespace gateway::http {

// How access lines are written. Text: "GET /apis 200 0.125ms actor=<who> id=<request id>".
// Json: the
// payload is the line's fields, `"message":"GET /apis 200","request_id":...`, without
// braces, which the logger's formatter wraps together with the time and the level.
enum class AccessLineFormat { text, json };

// What one answered request leaves in the log.
struct AccessRecord {
    std::string_view request_id;
    std::string_view method;
    std::string_view route;   // the route template ("/apis/{api_id}"), never the raw path
    std::string_view target;  // as sent; its path is logged, never its query
    unsigned status = 0;
    std::chrono::steady_clock::duration took{};
    std::string_view remote_addr;
    std::size_t bytes_out = 0;     // head and body written
    std::string_view trace_id;     // empty without a valid traceparent
    std::string_view actor = "-";  // the accepted key's name, "anonymous", or "-"
};

// Caps the warnings an outage can write: `per_second` lines in each second, then one line
// saying how many were left out.
class WarningBudget {
  public:
    explicit WarningBudget(std::uint32_t per_second) : per_second_(per_second) {}
    // True when this warning may be written; `left_out` is then how many were not since
    // the last one written.
    bool take(std::chrono::steady_clock::time_point now, std::uint64_t& left_out);

  private:
    std::uint32_t per_second_;
    std::chrono::steady_clock::time_point window_start_{};
    std::uint32_t taken_ = 0;
    std::uint64_t left_out_ = 0;
};

// The access log of one worker thread: only that thread uses it.
class AccessLog {
  public:
    AccessLog(std::shared_ptr<spdlog::logger> logger, AccessLineFormat format);

    void write(const AccessRecord& record);
    // A 5xx answer, at warn with the detail it gave (rate-limited); the request id ties it
    // to the access line.
    void server_error(const AccessRecord& record, std::string_view detail);
    // A request refused for its API key (401, 403), at warn with the reason (rate-limited
    // on its own budget, so that a scan cannot crowd out the 5xx warnings): the key's
    // name when it was known, never the key.
    void key_refused(const AccessRecord& record, std::string_view reason);
    void flush() { logger_->flush(); }

  private:
    std::shared_ptr<spdlog::logger> logger_;
    AccessLineFormat format_;
    WarningBudget warnings_{20};
    WarningBudget refusals_{20};
};

}  // namespace gateway::http
