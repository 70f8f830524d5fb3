// Replaying one local journal entry into PostgreSQL (migration 0003): in one transaction,
// its id goes into journal_applied, its audit record into audit_log (migration 0005, with
// the time it was accepted), and its change is applied on the condition it was made
// under (a create on ids, names and base paths still free; an update or delete on the
// revision it was based on). What another writer changed meanwhile is never overwritten:
// the entry is reported as a conflict instead.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "db/pg_connection.hpp"
#include "domain/journal_entry.hpp"

namespace gateway::store {

enum class ReplayOutcome {
    applied,
    already_applied,  // an earlier replay committed it (exactly once)
    conflict,
};

struct ReplayResult {
    ReplayOutcome outcome = ReplayOutcome::applied;
    std::string detail;  // for a conflict: what stood in the way, in plain words
};

// A DbError means the outcome is not settled (the database could not be reached, or the
// commit's answer was lost): the entry stays and is tried again later.
boost::asio::awaitable<db::DbResult<ReplayResult>> replay_entry(db::PgConnection& connection,
                                                                const domain::JournalEntry& entry,
                                                                std::chrono::milliseconds timeout);

}  // namespace gateway::store
