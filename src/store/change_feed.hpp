// Reading the change feed (migration 0002): what a mirror needs from PostgreSQL to load
// every API and then follow every committed change, in any commit order.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "db/pg_connection.hpp"
#include "domain/api.hpp"

namespace gateway::store {

// The channel instances NOTIFY after their commits; a wake-up hint with no payload.
inline constexpr std::string_view kChangeChannel = "gateway_api_changes";

// A reader's place in the feed: every change made by a transaction whose id is below
// this one has been read (it is the xmin of the snapshot of the last read).
using FeedPosition = std::uint64_t;

struct FeedSnapshot {
    std::vector<domain::ApiPtr> apis;
    FeedPosition position = 0;  // read the feed from here to follow on from this load
};

struct FeedChange {
    std::string api_id;
    std::int64_t revision = 0;
    bool deleted = false;
};

struct FeedBatch {
    // Committed changes from the position on, oldest first. Changes of transactions that
    // were still open at the last read come again: applying one twice changes nothing.
    std::vector<FeedChange> changes;
    FeedPosition next = 0;
    // The feed was pruned past the position: changes may be missing; load everything.
    bool pruned_past = false;
};

// Every API and the feed position that follows on from exactly that state (one
// REPEATABLE READ snapshot).
boost::asio::awaitable<db::DbResult<FeedSnapshot>> load_all_apis(db::PgConnection& connection,
                                                                 std::chrono::milliseconds timeout);

boost::asio::awaitable<db::DbResult<FeedBatch>> read_changes(db::PgConnection& connection,
                                                             FeedPosition from,
                                                             std::chrono::milliseconds timeout);

// The APIs with these ids as they are now; an id without a row was deleted.
boost::asio::awaitable<db::DbResult<std::vector<domain::ApiPtr>>> fetch_apis(
    db::PgConnection& connection, const std::vector<std::string>& ids,
    std::chrono::milliseconds timeout);

// Deletes feed rows older than `retention` (only of transactions that have ended) and
// records the newest xid deleted. Returns how many rows went.
boost::asio::awaitable<db::DbResult<std::int64_t>> prune_changes(db::PgConnection& connection,
                                                                 std::chrono::seconds retention,
                                                                 std::chrono::milliseconds timeout);

// Wakes every listening instance; sent on its own, outside any writer's transaction.
boost::asio::awaitable<db::DbResult<db::PgResult>> notify_changes(
    db::PgConnection& connection, std::chrono::milliseconds timeout);

}  // namespace gateway::store
