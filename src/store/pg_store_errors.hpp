// What PgStore tells its callers when the database fails it: 409 for a unique
// violation, 503 with a short, client-safe detail for everything else.
#pragma once

#include <string>

#include "db/db_error.hpp"
#include "domain/api.hpp"
#include "store/store_error.hpp"

namespace gateway::store {

// A failed statement. A unique violation of the name or base_path constraint is a
// conflict over `spec` (the fields being written); any other failure is unavailable,
// logged as unavailable_detail() logs it.
StoreError store_error_from(const db::DbError& error, const domain::ApiSpec* spec = nullptr);

// The 503 detail for a database failure, "Database unavailable: <reason>", with the
// reason in plain words fixed by the kind of failure (cannot connect, timed out, no
// connection free within the pool's timeout, ...). libpq's and the server's text name
// hosts, ports, users and values, so it never reaches the detail: it goes to the log,
// at warn (at error for a statement failure that points at a bug or a schema out of step).
std::string unavailable_detail(const db::DbError& error);
// Just the <reason> of that detail, for messages that say "unavailable" themselves
// (the breaker's). Not logged: the failure is logged where it is answered.
std::string unavailable_reason(const db::DbError& error);

}  // namespace gateway::store
