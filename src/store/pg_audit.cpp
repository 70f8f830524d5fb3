#include "store/pg_audit.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "domain/ids.hpp"
#include "domain/timestamps.hpp"
#include "store/pg_store.hpp"
#include "store/pg_store_errors.hpp"
#include "store/pg_text_array.hpp"

namespace gateway::store {
namespace {

// $1: records older than this id (NULL: from the newest); $2: of this API id; $3: of an API
// by this lower-case name; $4: how many rows.
constexpr db::Statement kReadAudit{"audit_read", R"sql(
SELECT id, (extract(epoch FROM at) * 1000)::bigint, actor, client_address, request_id, action,
       api_id::text, api_name, revision_before, revision_after,
       array_to_string(changed_fields, ',')
FROM audit_log
WHERE ($1::bigint IS NULL OR id < $1::bigint)
  AND ($2::uuid IS NULL OR api_id = $2::uuid)
  AND ($3::text IS NULL OR lower(api_name) = $3::text)
ORDER BY id DESC
LIMIT $4::bigint)sql"};

constexpr db::Statement kPurgeAudit{"audit_purge", R"sql(
WITH gone AS (
    DELETE FROM audit_log WHERE id IN (
        SELECT id FROM audit_log
        WHERE at < clock_timestamp() - make_interval(secs => $1::double precision)
        ORDER BY at LIMIT $2::bigint)
    RETURNING 1)
SELECT count(*) FROM gone)sql"};

constexpr db::Statement kInsertAudit{"audit_insert", R"sql(
INSERT INTO audit_log (at, actor, client_address, request_id, action, api_id, api_name,
                       revision_before, revision_after, changed_fields)
VALUES ($1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::uuid, $7::text,
        $8::bigint, $9::bigint, $10::text[]))sql"};

domain::AuditRecord record_from_row(const db::PgResult& result, int row) {
    domain::AuditRecord record;
    record.id = result.integer(row, 0);
    record.at = result.integer(row, 1);
    record.origin.actor = std::string(result.text(row, 2));
    record.origin.client_address = std::string(result.text(row, 3));
    record.origin.request_id = std::string(result.text(row, 4));
    const auto action = domain::audit_action_from(result.text(row, 5));
    if (!action) throw std::runtime_error("unknown audit action");
    record.action = *action;
    record.api_id = std::string(result.text(row, 6));
    record.api_name = std::string(result.text(row, 7));
    record.revision_before = result.optional_integer(row, 8);
    record.revision_after = result.optional_integer(row, 9);
    record.changed_fields = domain::split_field_names(result.text(row, 10));
    return record;
}

std::optional<std::string> optional_revision(const std::optional<std::int64_t>& revision) {
    if (!revision) return std::nullopt;
    return std::to_string(*revision);
}

}  // namespace

boost::asio::awaitable<db::DbResult<AuditPage>> read_audit(db::PgConnection& connection,
                                                           const AuditQuery& query,
                                                           std::chrono::milliseconds timeout) {
    AuditPage page;
    if (query.limit == 0) co_return page;
    // One row more than the page holds: only when it exists is there a next page.
    const std::size_t limit = std::min<std::size_t>(query.limit, INT_MAX - 1);
    db::Params params;
    params.reserve(4);
    if (query.before_id) {
        params.emplace_back(std::to_string(*query.before_id));
    } else {
        params.emplace_back(std::nullopt);
    }
    if (query.api && domain::looks_like_uuid(*query.api)) {
        params.emplace_back(*query.api);
        params.emplace_back(std::nullopt);
    } else if (query.api) {
        params.emplace_back(std::nullopt);
        params.emplace_back(domain::name_key(*query.api));
    } else {
        params.emplace_back(std::nullopt);
        params.emplace_back(std::nullopt);
    }
    params.emplace_back(std::to_string(limit + 1));
    auto result = co_await connection.execute(kReadAudit, params, timeout);
    if (!result) co_return domain::unexpected(std::move(result).error());
    const auto rows = static_cast<std::size_t>(result->rows());
    try {
        for (std::size_t row = 0; row < std::min(rows, limit); ++row) {
            page.items.push_back(record_from_row(*result, static_cast<int>(row)));
        }
    } catch (const std::exception& e) {
        co_return domain::unexpected(db::DbError{
            db::DbErrc::query_failed, std::string("audit_log row: ") + e.what(), {}, {}});
    }
    if (rows > limit) page.next = page.items.back().id;
    co_return page;
}

boost::asio::awaitable<db::DbResult<std::int64_t>> purge_audit(db::PgConnection& connection,
                                                               std::chrono::seconds retention,
                                                               std::int64_t batch,
                                                               std::chrono::milliseconds timeout) {
    const db::Params params{std::to_string(retention.count()), std::to_string(batch)};
    auto result = co_await connection.execute(kPurgeAudit, params, timeout);
    if (!result) co_return domain::unexpected(std::move(result).error());
    co_return result->rows() == 0 ? 0 : result->integer(0, 0);
}

boost::asio::awaitable<db::DbResult<db::PgResult>> insert_audit(db::PgConnection& connection,
                                                                const domain::AuditRecord& record,
                                                                std::chrono::milliseconds timeout) {
    const db::Params params{domain::format_timestamp(record.at),
                            record.origin.actor,
                            record.origin.client_address,
                            record.origin.request_id,
                            std::string(domain::audit_action_name(record.action)),
                            record.api_id,
                            record.api_name,
                            optional_revision(record.revision_before),
                            optional_revision(record.revision_after),
                            format_text_array(record.changed_fields)};
    co_return co_await connection.execute(kInsertAudit, params, timeout);
}

boost::asio::awaitable<StoreResult<AuditPage>> PgStore::audit(AuditQuery query) {
    auto connection = co_await acquire();
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    auto page = co_await read_audit(**connection, query, settings_.statement_timeout);
    observe(page ? nullptr : &page.error());
    if (!page) co_return domain::unexpected(store_error_from(page.error()));
    co_return std::move(page).value();
}

}  // namespace gateway::store
