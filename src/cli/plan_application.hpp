// Carrying out an import plan against the instance, step by step, stopping at the first
// step it refuses.
#pragma once

#include <ostream>

#include "cli/import_plan.hpp"
#include "cli/management_client.hpp"

namespace gateway::cli {

// Sends the plan's steps in order: creates with POST, updates with PUT and deletes with
// DELETE, both under If-Match of the revision the plan was made from. On success prints
// "Applied: ..." to `out` and returns true. At the first refusal (or when the instance
// cannot be reached) stops and prints to `err` which step, what the instance said, and the
// steps already made; returns false.
bool apply_plan(const ManagementClient& client, const ImportPlan& plan, std::ostream& out,
                std::ostream& err);

}  // namespace gateway::cli
