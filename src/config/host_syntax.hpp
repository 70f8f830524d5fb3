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

// True for a normalised host that can only be reached from this machine: 127.0.0.0/8,
// ::1, an IPv4-mapped loopback address, or the name "localhost" (RFC 6761). Any other
// name counts as reachable from elsewhere, since what it resolves to is not known here.
bool is_loopback_host(std::string_view host);

}  // namespace gateway::config
