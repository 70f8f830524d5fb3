// Which storage the HTTP suites run the server on. By default the server has no
// database and uses memory; with GATEWAY_TEST_STORAGE=postgresql:<cluster.env> (CTest sets it for
// the `http-pg` copies of the suites, next to the PostgreSQL fixture) every server a test starts
// gets DATABASE_URL for a fresh schema of its own, so the same black-box tests check both storages.
#pragma once

#include "support/child_environment.hpp"

namespace gateway::test {

bool storage_is_postgres();

// In PostgreSQL mode, and unless the test configured a database source itself, adds DATABASE_URL
// for a new empty schema in the test cluster. Throws std::runtime_error if it cannot.
void add_storage_environment(Environment& env);

}  // namespace gateway::test
