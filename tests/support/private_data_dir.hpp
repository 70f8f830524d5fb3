// Every server a test starts with a database configured keeps its local state (DATA_DIR)
// in a directory of its own, removed when the test is done with it: servers running side
// by side never share a snapshot or a lock, and nothing lands in the developer's home.
#pragma once

#include <memory>

#include "support/child_environment.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::test {

// Sets DATA_DIR in `env` to a new temporary directory when a database is configured
// there and the test did not choose DATA_DIR itself; the directory lives as long as the
// returned object (null when nothing was set).
std::unique_ptr<TemporaryDirectory> add_private_data_dir(Environment& env);

}  // namespace gateway::test
