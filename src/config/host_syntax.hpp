// What counts as a host in the configuration: an address literal or a DNS name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gateway::config {

// An IPv4 literal, an IPv6 literal (brackets optional) or a host name, returned in the
// form resolvers accept (IPv6 without brackets); nullopt when it is none of these.
// A name whose last label is all digits is refused: it is a mistyped address or a port.
std::optional<std::string> normalise_host(std::string_view text);

}  // namespace gateway::config
