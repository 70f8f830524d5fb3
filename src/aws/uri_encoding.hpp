// Percent-encoding as SigV4 wants it: RFC 3986, every byte but the unreserved characters
// (A-Z a-z 0-9 - _ . ~) as %XX with upper-case hex. This is what the AWS SDKs'
// escapeUri produces for UTF-8 text.
#pragma once

#include <string>
#include <string_view>

namespace gateway::aws {

std::string uri_encode(std::string_view bytes);

// Turns every %XX (two hex digits, either case) into its byte. A '%' that does not start
// such an escape stays as it is, and '+' stays a '+' (it is not a space in SigV4).
std::string percent_decode(std::string_view text);

}  // namespace gateway::aws
