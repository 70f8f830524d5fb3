// GET /journal/conflicts: the journal entries that could not be replayed because another
// writer changed the same API (or took its name or base path) meanwhile, with what each
// would have written, so that an operator can decide what to do with it.
#pragma once

#include <string>

#include "local/journal.hpp"

namespace gateway::app {

std::string journal_conflicts_json(const local::Journal& journal);

}  // namespace gateway::app
