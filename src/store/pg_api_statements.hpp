// Every SQL statement PgStore runs, by name. Every write ends with the instant after
// which it must not start (gateway_before_deadline, migration 0002), its last parameter. Rows come
// back in the column order of GATEWAY_API_COLUMNS, which api_from_row (pg_api_row.hpp) reads by
// position. Every write also records itself in the audit trail (migration 0005) in the same
// statement, a data-modifying CTE: the change and its record commit together, at no extra
// round trip. The four parameters before the deadline are the record's: actor, client
// address, request id, changed fields.
#pragma once

#include "db/statement.hpp"

namespace gateway::store::sql {

// Statements that return these columns ask for binary results (kApiRows below).
#define GATEWAY_API_COLUMNS                                                                  \
    "id, name, description, version, base_path, upstream_url, methods, enabled, auth_type, " \
    "rate_limit_per_minute, timeout_ms, tags, revision, created_at, updated_at"

// How every statement that returns API rows has them sent (api_from_row decodes them).
inline constexpr db::Planning kPrepared = db::Planning::prepared_once;
inline constexpr db::ResultFormat kApiRows = db::ResultFormat::binary;

// The row `ref` names: its id ($1, NULL when ref is no UUID) wins over a name whose
// lower-case form is $2.
#define GATEWAY_API_BY_REF                                                \
    "(SELECT id FROM apis WHERE id = $1::uuid OR lower(name) = $2::text " \
    "ORDER BY (id = $1::uuid) IS TRUE DESC LIMIT 1)"

// Writes to the millisecond, as the contract shows timestamps; created_at comes from the
// database clock so that several instances order their rows by one clock.
#define GATEWAY_NOW_MS "date_trunc('milliseconds', statement_timestamp())"

#define GATEWAY_AUDIT_INSERT                                                                   \
    "INSERT INTO audit_log (at, actor, client_address, request_id, action, api_id, api_name, " \
    "revision_before, revision_after, changed_fields) "

inline constexpr db::Statement kInsertApi{
    "api_insert",
    "WITH created AS (INSERT INTO apis (id, name, description, version, base_path, "
    "upstream_url, methods, enabled, auth_type, rate_limit_per_minute, timeout_ms, tags, "
    "revision, created_at, updated_at) "
    "SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text[], "
    "$8::boolean, $9::text, $10::integer, $11::integer, $12::text[], 1, " GATEWAY_NOW_MS
    ", " GATEWAY_NOW_MS
    " WHERE gateway_before_deadline($17::timestamptz) "
    "RETURNING " GATEWAY_API_COLUMNS "), recorded AS (" GATEWAY_AUDIT_INSERT
    "SELECT created_at, $13::text, $14::text, $15::text, 'create', id, name, NULL, revision, "
    "$16::text[] FROM created) "
    "SELECT " GATEWAY_API_COLUMNS " FROM created",
    kPrepared, kApiRows};

// Reads by one key each, so that the common read (by id) is a single primary-key probe.
inline constexpr db::Statement kFindApiById{
    "api_find_by_id", "SELECT " GATEWAY_API_COLUMNS " FROM apis WHERE id = $1::uuid", kPrepared,
    kApiRows};
inline constexpr db::Statement kFindApiByName{
    "api_find_by_name", "SELECT " GATEWAY_API_COLUMNS " FROM apis WHERE lower(name) = $1::text",
    kPrepared, kApiRows};

// Full replacement of the writable fields ($4..$14) of the API `ref` names, when its
// revision is one of $3. Writing what is already there keeps the revision and updated_at,
// so a no-op never changes the ETag, and records nothing. The store writes on the one
// revision it read and computed the changed fields ($19) from, so a change is always
// from revision - 1. $15 is the audit record's action ('replace' or 'patch').
#define GATEWAY_API_CHANGED                                                                \
    "((name, description, version, base_path, upstream_url, methods, enabled, auth_type, " \
    "rate_limit_per_minute, timeout_ms, tags) IS DISTINCT FROM ($4::text, $5::text, "      \
    "$6::text, $7::text, $8::text, $9::text[], $10::boolean, $11::text, $12::integer, "    \
    "$13::integer, $14::text[]))"

inline constexpr db::Statement kUpdateApi{
    "api_update",
    "WITH updated AS (UPDATE apis SET name = $4::text, description = $5::text, "
    "version = $6::text, "
    "base_path = $7::text, upstream_url = $8::text, methods = $9::text[], "
    "enabled = $10::boolean, auth_type = $11::text, rate_limit_per_minute = $12::integer, "
    "timeout_ms = $13::integer, tags = $14::text[], "
    "revision = CASE WHEN " GATEWAY_API_CHANGED
    " THEN revision + 1 ELSE revision END, "
    "updated_at = CASE WHEN " GATEWAY_API_CHANGED " THEN greatest(" GATEWAY_NOW_MS
    ", updated_at) ELSE updated_at END "
    "WHERE id = " GATEWAY_API_BY_REF
    " AND ($3::bigint[] IS NULL OR revision = ANY ($3::bigint[])) "
    "AND gateway_before_deadline($20::timestamptz) "
    "RETURNING " GATEWAY_API_COLUMNS "), recorded AS (" GATEWAY_AUDIT_INSERT
    "SELECT updated_at, $16::text, $17::text, $18::text, $15::text, id, name, revision - 1, "
    "revision, $19::text[] FROM updated WHERE NOT (revision = ANY ($3::bigint[]))) "
    "SELECT " GATEWAY_API_COLUMNS " FROM updated",
    kPrepared, kApiRows};

inline constexpr db::Statement kDeleteApi{
    "api_delete", "WITH removed AS (DELETE FROM apis WHERE id = " GATEWAY_API_BY_REF
                  " AND ($3::bigint[] IS NULL OR revision = ANY ($3::bigint[])) "
                  "AND gateway_before_deadline($8::timestamptz) RETURNING id, name, revision), "
                  "recorded AS (" GATEWAY_AUDIT_INSERT "SELECT " GATEWAY_NOW_MS
                  ", $4::text, $5::text, $6::text, 'delete', id, name, revision, NULL, $7::text[] "
                  "FROM removed) "
                  "SELECT id, revision FROM removed"};

// The column list every read returns, for statements assembled elsewhere (the list
// statements of pg_list_statement.cpp).
inline constexpr std::string_view kApiColumns = GATEWAY_API_COLUMNS;

#undef GATEWAY_AUDIT_INSERT
#undef GATEWAY_API_CHANGED
#undef GATEWAY_NOW_MS
#undef GATEWAY_API_BY_REF
#undef GATEWAY_API_COLUMNS

// The names of the unique constraints (migration 0001) that a 23505 names.
inline constexpr std::string_view kNameUniqueIndex = "apis_name_key";
inline constexpr std::string_view kBasePathUniqueConstraint = "apis_base_path_key";

}  // namespace gateway::store::sql
