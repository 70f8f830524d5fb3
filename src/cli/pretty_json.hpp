// JSON for people and for diffs: one member per line, indented by two spaces, arrays of
// plain values kept on one line. Member order is kept as given, so the same data always
// gives the same bytes.
#pragma once

#include <string>

#include <boost/json/fwd.hpp>

namespace gateway::cli {

// Ends with a newline.
std::string pretty_json(const boost::json::value& value);

}  // namespace gateway::cli
