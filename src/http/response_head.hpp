// The status line and header block of a response, written straight into one string:
// cheaper than building a Beast message whose every field is a separate allocation.
#pragma once

#include <chrono>
#include <string>

#include "api/request.hpp"

namespace gateway::http {

// The HTTP Date header value (RFC 9110 5.6.7), recomputed only when the second changes.
class DateCache {
  public:
    const std::string& now();

  private:
    std::chrono::system_clock::time_point::rep second_ = -1;
    std::string value_;
};

// Appends "HTTP/1.x NNN Reason\r\n...headers...\r\n\r\n" for `response` to `out`.
// Content-Length is omitted for 204 and 304, as RFC 9110 requires.
void append_response_head(std::string& out, const api::Response& response, unsigned version,
                          bool keep_alive, const std::string& date);

}  // namespace gateway::http
