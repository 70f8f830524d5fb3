// The audit trail in PostgreSQL (migration 0005): reading it, and purging what is older
// than the retention. Every write writes its own record (pg_api_statements.hpp); a
// journaled one's is written by its replay (journal_replay.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "db/pg_connection.hpp"
#include "domain/audit.hpp"
#include "store/repository.hpp"

namespace gateway::store {

// A page of records, newest first (at most query.limit; next set when more follow).
boost::asio::awaitable<db::DbResult<AuditPage>> read_audit(db::PgConnection& connection,
                                                           const AuditQuery& query,
                                                           std::chrono::milliseconds timeout);

// Deletes records older than `retention`, at most `batch` of them (the oldest); returns how
// many went. The periodic job calls it again while a whole batch went.
boost::asio::awaitable<db::DbResult<std::int64_t>> purge_audit(db::PgConnection& connection,
                                                               std::chrono::seconds retention,
                                                               std::int64_t batch,
                                                               std::chrono::milliseconds timeout);

// Writes `record` (its id is the database's) on `connection`, in the transaction it is in:
// the replay of a journaled write.
boost::asio::awaitable<db::DbResult<db::PgResult>> insert_audit(db::PgConnection& connection,
                                                                const domain::AuditRecord& record,
                                                                std::chrono::milliseconds timeout);

}  // namespace gateway::store
