// JSON Merge Patch, RFC 7396.
#pragma once

#include <boost/json/fwd.hpp>

namespace gateway::domain {

// Applies `patch` to `target` in place, exactly as RFC 7396 section 2 describes:
// an object patch merges member by member, null removes a member, anything else
// replaces the target whole.
void apply_merge_patch(boost::json::value& target, const boost::json::value& patch);

}  // namespace gateway::domain
