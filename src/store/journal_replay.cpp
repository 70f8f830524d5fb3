#include "store/journal_replay.hpp"

#include "db/statement.hpp"
#include "domain/api_json.hpp"
#include "domain/timestamps.hpp"
#include "store/idempotency.hpp"
#include "store/pg_api_row.hpp"
#include "store/pg_api_statements.hpp"
#include "store/pg_audit.hpp"

namespace gateway::store {

namespace asio = boost::asio;

namespace {

constexpr db::Statement kRecordApplied{
    "journal_record_applied",
    "INSERT INTO journal_applied (entry_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING"};

// The record as the journal holds it: its own id, revision and timestamps.
constexpr db::Statement kReplayCreate{
    "journal_replay_create",
    "INSERT INTO apis (id, name, description, version, base_path, upstream_url, methods, "
    "enabled, auth_type, rate_limit_per_minute, timeout_ms, tags, revision, created_at, "
    "updated_at) VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, "
    "$7::text[], $8::boolean, $9::text, $10::integer, $11::integer, $12::text[], "
    "$13::bigint, $14::timestamptz, $15::timestamptz) ON CONFLICT (id) DO NOTHING"};

constexpr db::Statement kReplayUpdate{
    "journal_replay_update",
    "UPDATE apis SET name = $2::text, description = $3::text, version = $4::text, "
    "base_path = $5::text, upstream_url = $6::text, methods = $7::text[], "
    "enabled = $8::boolean, auth_type = $9::text, rate_limit_per_minute = $10::integer, "
    "timeout_ms = $11::integer, tags = $12::text[], revision = $13::bigint, "
    "created_at = $14::timestamptz, updated_at = $15::timestamptz "
    "WHERE id = $1::uuid AND revision = $16::bigint"};

constexpr db::Statement kReplayDelete{
    "journal_replay_delete", "DELETE FROM apis WHERE id = $1::uuid AND revision = $2::bigint"};

constexpr db::Statement kRecordKey{
    "journal_record_idempotency_key",
    "INSERT INTO idempotency_keys (key, fingerprint, status, api_id, revision, body, "
    "expires_at) VALUES ($1, $2, $3::integer, $4::uuid, $5::bigint, $6, $7::timestamptz + "
    "make_interval(secs => $8::double precision)) ON CONFLICT (key) DO NOTHING"};

constexpr db::Statement kCurrentRevision{"journal_current_revision",
                                         "SELECT revision FROM apis WHERE id = $1::uuid"};

db::Params record_params(const domain::Api& api) {
    db::Params params;
    params.reserve(16);
    params.emplace_back(api.id);
    append_spec_params(params, api.spec);
    params.emplace_back(std::to_string(api.revision));
    params.emplace_back(domain::format_timestamp(api.created_at));
    params.emplace_back(domain::format_timestamp(api.updated_at));
    return params;
}

std::string taken_detail(const db::DbError& error) {
    if (error.constraint == sql::kNameUniqueIndex) return "its name is taken by another API";
    if (error.constraint == sql::kBasePathUniqueConstraint) {
        return "its base path is taken by another API";
    }
    return "it collides with another API (" + error.constraint + ")";
}

// An update or delete found no row at its base revision: why, in plain words.
asio::awaitable<db::DbResult<std::string>> moved_on(db::PgConnection& connection,
                                                    const domain::JournalEntry& entry,
                                                    std::chrono::milliseconds timeout) {
    const db::Params params{entry.api_id};
    auto current = co_await connection.execute(kCurrentRevision, params, timeout);
    if (!current) co_return domain::unexpected(std::move(current).error());
    std::string why = "the API was deleted meanwhile";
    if (current->rows() != 0) {
        why = "the API was changed meanwhile (it is at revision " +
              std::to_string(current->integer(0, 0)) + ", the change was made on revision " +
              std::to_string(entry.base_revision.value_or(0)) + ")";
    }
    co_return why;
}

}  // namespace

asio::awaitable<db::DbResult<ReplayResult>> replay_entry(db::PgConnection& connection,
                                                         const domain::JournalEntry& entry,
                                                         std::chrono::milliseconds timeout) {
    if (auto begun = co_await connection.simple_query("BEGIN", timeout); !begun) {
        co_return domain::unexpected(std::move(begun).error());
    }
    const db::Params entry_id{entry.entry_id};
    auto recorded = co_await connection.execute(kRecordApplied, entry_id, timeout);
    if (!recorded) co_return domain::unexpected(std::move(recorded).error());
    if (recorded->affected_rows() == 0) {
        co_await connection.simple_query("ROLLBACK", timeout);
        co_return ReplayResult{ReplayOutcome::already_applied, {}};
    }

    db::DbResult<db::PgResult> changed = domain::unexpected(db::DbError{});
    switch (entry.op) {
        case domain::JournalOp::create: {
            const auto params = record_params(*entry.result);
            changed = co_await connection.execute(kReplayCreate, params, timeout);
            break;
        }
        case domain::JournalOp::update: {
            auto params = record_params(*entry.result);
            params.emplace_back(std::to_string(entry.base_revision.value_or(0)));
            changed = co_await connection.execute(kReplayUpdate, params, timeout);
            break;
        }
        case domain::JournalOp::remove: {
            const db::Params params{entry.api_id, std::to_string(entry.base_revision.value_or(0))};
            changed = co_await connection.execute(kReplayDelete, params, timeout);
        } break;
    }
    if (!changed) {
        const db::DbError& error = changed.error();
        if (error.code == db::DbErrc::query_failed &&
            error.sqlstate == db::unique_violation_sqlstate) {
            co_await connection.simple_query("ROLLBACK", timeout);
            co_return ReplayResult{ReplayOutcome::conflict, taken_detail(error)};
        }
        // Data the database refuses now (a constraint added since, say) will be refused
        // every time: a conflict too, not an entry that blocks those after it forever.
        if (error.code == db::DbErrc::query_failed &&
            (error.sqlstate.starts_with("22") || error.sqlstate.starts_with("23"))) {
            co_await connection.simple_query("ROLLBACK", timeout);
            co_return ReplayResult{ReplayOutcome::conflict,
                                   "the database refused it (SQLSTATE " + error.sqlstate + ")"};
        }
        co_return domain::unexpected(std::move(changed).error());
    }
    if (changed->affected_rows() == 0) {
        std::string detail = "an API with its id exists already";
        if (entry.op != domain::JournalOp::create) {
            auto why = co_await moved_on(connection, entry, timeout);
            if (!why) co_return domain::unexpected(std::move(why).error());
            detail = std::move(*why);
        }
        co_await connection.simple_query("ROLLBACK", timeout);
        co_return ReplayResult{ReplayOutcome::conflict, std::move(detail)};
    }
    // The change's audit record, with the time it was accepted and who made it then.
    if (auto audited =
            co_await insert_audit(connection, domain::audit_record_of_entry(entry), timeout);
        !audited) {
        co_return domain::unexpected(std::move(audited).error());
    }
    if (entry.idempotency) {
        // The key reaches PostgreSQL with the change, for every instance to answer it. One
        // taken meanwhile by another request (elsewhere) is that request's, and stays so.
        db::Params key{
            entry.idempotency->key,
            entry.idempotency->fingerprint,
            std::to_string(domain::journal_answer_status(entry.op)),
            std::nullopt,
            "0",
            std::nullopt,
            domain::format_timestamp(entry.accepted_at),
            std::to_string(std::chrono::duration<double>(kIdempotencyKeyLifetime).count())};
        if (entry.result) {
            key[3] = entry.result->id;
            key[4] = std::to_string(entry.result->revision);
            key[5] = domain::api_to_json(*entry.result);
        }
        auto recorded_key = co_await connection.execute(kRecordKey, key, timeout);
        if (!recorded_key) co_return domain::unexpected(std::move(recorded_key).error());
    }
    if (auto committed = co_await connection.simple_query("COMMIT", timeout); !committed) {
        co_return domain::unexpected(std::move(committed).error());
    }
    co_return ReplayResult{ReplayOutcome::applied, {}};
}

}  // namespace gateway::store
