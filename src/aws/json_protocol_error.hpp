// What an AWS JSON-protocol service says when it refuses a request: the error type from
// the x-amzn-errortype header or the body's __type (or code), and its message.
#pragma once

#include <string>
#include <string_view>

#include "aws/http_client.hpp"

namespace gateway::aws {

// A raw type as services send it, cut to the bare name: the namespace before '#'
// ("com.amazon.coral.service#UnrecognizedClientException") and the URL after ':'
// ("AccessDeniedException:http://internal.amazon.com/...") are dropped.
std::string bare_error_type(std::string_view raw);

// The error type of `response`; "" when it names none (or the body is not JSON).
std::string json_error_type(const HttpResponse& response);

// The first line of the body's message (or Message), at most 300 characters; "" when
// there is none. Real messages can quote the canonical request, and with it a session
// token, on later lines; those are never taken.
std::string json_error_message(const HttpResponse& response);

}  // namespace gateway::aws
