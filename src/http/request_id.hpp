// Request correlation: the id a request is known by in the logs and in its answer, and the
// trace a W3C `traceparent` header places it in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::http {

// The longest X-Request-ID kept from a client; a longer one is replaced.
inline constexpr std::size_t max_request_id_length = 128;

// `sent` when a client's X-Request-ID can be echoed and logged as it is: 1 to 128
// characters, each a letter, a digit or one of "-_.:+/=@" (no space, quote or control
// character that could split a header or forge a log field); nullopt otherwise.
std::optional<std::string_view> acceptable_request_id(std::string_view sent);

// The trace id of a W3C Trace Context `traceparent` (version-traceid-parentid-flags, lower
// case hex); nullopt when it is malformed, of the forbidden version ff, or all zeros.
std::optional<std::string_view> trace_id_of(std::string_view traceparent);

// Makes ids for requests that came without a usable one: 32 lower-case hex digits from a
// generator seeded at random, so ids from different connections and processes do not meet.
// One per connection; not thread-safe.
class RequestIdSource {
  public:
    RequestIdSource();
    std::string next();

  private:
    std::uint64_t state_;
};

}  // namespace gateway::http
