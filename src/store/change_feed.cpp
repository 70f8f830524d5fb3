#include "store/change_feed.hpp"

#include <charconv>
#include <exception>
#include <stdexcept>

#include "store/pg_api_row.hpp"
#include "store/pg_api_statements.hpp"

namespace gateway::store {

namespace {

const db::Statement& all_apis_statement() {
    static const std::string sql = "SELECT " + std::string(sql::kApiColumns) + " FROM apis";
    static const db::Statement statement{"feed_all_apis", sql, db::Planning::prepared_once,
                                         db::ResultFormat::binary};
    return statement;
}

const db::Statement& apis_by_ids_statement() {
    static const std::string sql =
        "SELECT " + std::string(sql::kApiColumns) + " FROM apis WHERE id = ANY ($1::uuid[])";
    static const db::Statement statement{"feed_apis_by_ids", sql, db::Planning::prepared_once,
                                         db::ResultFormat::binary};
    return statement;
}

// One statement, so one snapshot: its xmin, the pruning mark, and every change of a
// transaction at or after the position that this snapshot sees. A transaction below the
// xmin has ended, so everything it wrote is here now or never will be; one at or above
// it may still commit, which is why the next read starts from this xmin again.
constexpr db::Statement kReadChanges{
    "feed_read_changes",
    R"sql(WITH snapshot AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
     pruned AS (SELECT pruned_through FROM api_changes_pruned)
SELECT snapshot.xmin::text, pruned.pruned_through::text,
       change.api_id::text, change.revision, change.deleted
FROM snapshot CROSS JOIN pruned
LEFT JOIN LATERAL (
    SELECT position, api_id, revision, deleted FROM api_changes WHERE xid >= $1::xid8
) change ON true
ORDER BY change.position)sql"};

constexpr db::Statement kSnapshotPosition{"feed_snapshot_position",
                                          "SELECT pg_snapshot_xmin(pg_current_snapshot())::text"};

// Expired Idempotency-Keys go with it. So does journal_applied, after a week whatever the
// feed's retention: its rows guard against replaying an entry twice when an instance died
// between the commit and noting it locally, and such an instance replays as soon as it is
// back. Beyond the week a replay would still meet the API's moved revision (or its taken
// id) and be reported as a conflict rather than applied twice.
constexpr db::Statement kPruneChanges{"feed_prune",
                                      R"sql(WITH applied_gone AS (
    DELETE FROM journal_applied WHERE applied_at < clock_timestamp() - interval '7 days'),
keys_gone AS (DELETE FROM idempotency_keys WHERE expires_at <= clock_timestamp()),
gone AS (
    DELETE FROM api_changes
    WHERE changed_at < clock_timestamp() - make_interval(secs => $1::double precision)
      AND xid < pg_snapshot_xmin(pg_current_snapshot())
    RETURNING xid)
UPDATE api_changes_pruned
SET pruned_through = greatest(pruned_through, (SELECT max(xid) FROM gone))
WHERE EXISTS (SELECT 1 FROM gone)
RETURNING (SELECT count(*) FROM gone))sql"};

FeedPosition parse_position(std::string_view text) {
    FeedPosition value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        throw std::runtime_error("not a transaction id: " + std::string(text));
    }
    return value;
}

db::DbError schema_error(const std::exception& e) {
    return db::DbError{db::DbErrc::query_failed,
                       std::string("the change feed returned a row that does not fit: ") + e.what(),
                       {},
                       {}};
}

std::string uuid_array(const std::vector<std::string>& ids) {
    std::string literal = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i != 0) literal += ',';
        literal += ids[i];  // uuids: no quoting needed
    }
    literal += '}';
    return literal;
}

}  // namespace

boost::asio::awaitable<db::DbResult<FeedSnapshot>> load_all_apis(
    db::PgConnection& connection, std::chrono::milliseconds timeout) {
    auto begun = co_await connection.simple_query(
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", timeout);
    if (!begun) co_return domain::unexpected(std::move(begun).error());
    FeedSnapshot snapshot;
    auto position = co_await connection.execute(kSnapshotPosition, {}, timeout);
    if (!position) co_return domain::unexpected(std::move(position).error());
    auto rows = co_await connection.execute(all_apis_statement(), {}, timeout);
    if (!rows) co_return domain::unexpected(std::move(rows).error());
    try {
        snapshot.position = parse_position(position->text(0, 0));
        snapshot.apis = apis_from_rows(*rows, static_cast<std::size_t>(rows->rows()));
    } catch (const std::exception& e) {
        co_return domain::unexpected(schema_error(e));
    }
    auto ended = co_await connection.simple_query("COMMIT", timeout);
    if (!ended) co_return domain::unexpected(std::move(ended).error());
    co_return snapshot;
}

boost::asio::awaitable<db::DbResult<FeedBatch>> read_changes(db::PgConnection& connection,
                                                             FeedPosition from,
                                                             std::chrono::milliseconds timeout) {
    const db::Params params{std::to_string(from)};
    auto result = co_await connection.execute(kReadChanges, params, timeout);
    if (!result) co_return domain::unexpected(std::move(result).error());
    FeedBatch batch;
    try {
        batch.next = parse_position(result->text(0, 0));
        batch.pruned_past = from <= parse_position(result->text(0, 1));
        batch.changes.reserve(static_cast<std::size_t>(result->rows()));
        for (int row = 0; row < result->rows(); ++row) {
            if (result->is_null(row, 2)) continue;  // the LEFT JOIN's row when there is none
            batch.changes.push_back(FeedChange{std::string(result->text(row, 2)),
                                               result->integer(row, 3), result->boolean(row, 4)});
        }
    } catch (const std::exception& e) {
        co_return domain::unexpected(schema_error(e));
    }
    co_return batch;
}

boost::asio::awaitable<db::DbResult<std::vector<domain::ApiPtr>>> fetch_apis(
    db::PgConnection& connection, const std::vector<std::string>& ids,
    std::chrono::milliseconds timeout) {
    const db::Params params{uuid_array(ids)};
    auto result = co_await connection.execute(apis_by_ids_statement(), params, timeout);
    if (!result) co_return domain::unexpected(std::move(result).error());
    try {
        co_return apis_from_rows(*result, static_cast<std::size_t>(result->rows()));
    } catch (const std::exception& e) {
        co_return domain::unexpected(schema_error(e));
    }
}

boost::asio::awaitable<db::DbResult<std::int64_t>> prune_changes(
    db::PgConnection& connection, std::chrono::seconds retention,
    std::chrono::milliseconds timeout) {
    const db::Params params{std::to_string(retention.count())};
    auto result = co_await connection.execute(kPruneChanges, params, timeout);
    if (!result) co_return domain::unexpected(std::move(result).error());
    co_return result->rows() == 0 ? 0 : result->integer(0, 0);
}

boost::asio::awaitable<db::DbResult<db::PgResult>> notify_changes(
    db::PgConnection& connection, std::chrono::milliseconds timeout) {
    static const std::string sql = "NOTIFY " + std::string(kChangeChannel);
    co_return co_await connection.simple_query(sql, timeout);
}

}  // namespace gateway::store
