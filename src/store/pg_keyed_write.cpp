// PgStore's writes with an Idempotency-Key: the key is claimed, the change made and its
// answer recorded in one transaction, so that the key exists exactly when the change does.
#include <charconv>

#include "store/pg_store.hpp"
#include "store/pg_store_errors.hpp"

namespace gateway::store {
namespace {

// Takes the key, or takes it over from an expired record. No row back: a live record
// holds it. A concurrent request with the same key waits here until the first one's
// transaction ends, then sees its record (or takes the key if it rolled back).
constexpr db::Statement kClaimKey{"idempotency_claim", R"sql(
INSERT INTO idempotency_keys (key, fingerprint, expires_at)
VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::double precision))
ON CONFLICT (key) DO UPDATE
SET fingerprint = EXCLUDED.fingerprint, status = NULL, api_id = NULL, revision = NULL,
    body = NULL, created_at = clock_timestamp(), expires_at = EXCLUDED.expires_at
WHERE idempotency_keys.expires_at <= clock_timestamp()
RETURNING true)sql"};

constexpr db::Statement kRecordAnswer{"idempotency_record", R"sql(
UPDATE idempotency_keys SET status = $2, api_id = $3::uuid, revision = $4, body = $5
WHERE key = $1)sql"};

constexpr db::Statement kReadKey{"idempotency_read", R"sql(
SELECT fingerprint, status, api_id::text, revision, body FROM idempotency_keys
WHERE key = $1 AND expires_at > clock_timestamp())sql"};

std::int64_t to_int(std::string_view text) {
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

StoreError commit_unknown() {
    return StoreError{StoreErrc::unavailable,
                      "Database unavailable: the database did not answer in time, so whether "
                      "this change was applied is unknown; sending it again with the same "
                      "Idempotency-Key is safe"};
}

}  // namespace

boost::asio::awaitable<std::optional<db::DbError>> PgStore::simple(db::PgConnection& connection,
                                                                   std::string_view sql) {
    auto result = co_await connection.simple_query(sql, settings_.statement_timeout);
    observe(result ? nullptr : &result.error());
    if (!result) co_return result.error();
    co_return std::nullopt;
}

boost::asio::awaitable<StoreResult<PgStore::KeyedWrite>> PgStore::keyed_write(
    IdempotencyKey key, WriteRequest request) {
    auto connection = co_await acquire();
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    db::PgConnection& session = **connection;
    const std::chrono::duration<double> lifetime = kIdempotencyKeyLifetime;
    // Twice at most: a record that expires between the claim and the read is claimed again.
    for (int round = 0; round < 2; ++round) {
        if (auto failure = co_await simple(session, "BEGIN")) {
            co_return domain::unexpected(store_error_from(*failure));
        }
        const db::Params claim{key.key, key.fingerprint, std::to_string(lifetime.count())};
        auto claimed = co_await run(session, kClaimKey, claim);
        if (!claimed) {
            co_await simple(session, "ROLLBACK");
            co_return domain::unexpected(store_error_from(claimed.error()));
        }
        if (claimed->rows() == 0) {
            co_await simple(session, "ROLLBACK");
            const db::Params read{key.key};
            auto record = co_await run(session, kReadKey, read);
            if (!record) co_return domain::unexpected(store_error_from(record.error()));
            if (record->rows() == 0) continue;
            if (record->text(0, 0) != key.fingerprint) {
                co_return domain::unexpected(key_reused_error());
            }
            KeyedWrite replay;
            replay.keyed.replayed = true;
            replay.keyed.outcome.status = static_cast<unsigned>(to_int(record->text(0, 1)));
            replay.keyed.outcome.api_id = std::string(record->text(0, 2));
            replay.keyed.outcome.revision = to_int(record->text(0, 3));
            replay.keyed.outcome.body = std::string(record->text(0, 4));
            co_return replay;
        }

        auto written = co_await write_on(session, std::move(request));
        if (!written) {
            co_await simple(session, "ROLLBACK");
            co_return written;
        }
        const RecordedOutcome& outcome = written->keyed.outcome;
        db::Params answer{key.key, std::to_string(outcome.status)};
        if (outcome.api_id.empty()) {
            answer.emplace_back(std::nullopt);
        } else {
            answer.emplace_back(outcome.api_id);
        }
        answer.emplace_back(std::to_string(outcome.revision));
        answer.emplace_back(outcome.body);
        auto recorded = co_await run(session, kRecordAnswer, answer);
        if (!recorded) {
            co_await simple(session, "ROLLBACK");
            co_return domain::unexpected(store_error_from(recorded.error()));
        }
        if (auto failure = co_await simple(session, "COMMIT")) {
            if (failure->code == db::DbErrc::timeout ||
                failure->code == db::DbErrc::connection_lost) {
                co_return domain::unexpected(commit_unknown());
            }
            co_return domain::unexpected(store_error_from(*failure));
        }
        co_return written;
    }
    co_return domain::unexpected(key_in_progress_error());
}

boost::asio::awaitable<StoreResult<PgStore::KeyedWrite>> PgStore::write_on(
    db::PgConnection& connection, WriteRequest request) {
    using Kind = WriteRequest::Kind;
    KeyedWrite write;
    StoreResult<domain::ApiPtr> api = domain::unexpected(key_in_progress_error());
    switch (request.kind) {
        case Kind::create:
            api =
                co_await create_on(connection, std::move(request.spec), std::move(request.origin));
            break;
        case Kind::replace:
            api = co_await replace_on(connection, std::move(request.ref), std::move(request.spec),
                                      std::move(request.precondition), std::move(request.origin));
            break;
        case Kind::patch:
            api = co_await patch_on(connection, std::move(request.ref),
                                    std::move(request.merge_patch), std::move(request.precondition),
                                    std::move(request.origin));
            break;
        case Kind::remove: {
            auto removed =
                co_await remove_on(connection, std::move(request.ref),
                                   std::move(request.precondition), std::move(request.origin));
            if (!removed) co_return domain::unexpected(std::move(removed).error());
            write.removed_id = std::move(removed).value();
            write.keyed.outcome = RecordedOutcome{204, {}, 0, {}};
            co_return write;
        }
    }
    if (!api) co_return domain::unexpected(std::move(api).error());
    write.keyed.outcome = record_of(request.kind, **api);
    write.api = std::move(api).value();
    co_return write;
}

boost::asio::awaitable<StoreResult<KeyedOutcome>> PgStore::write_once(IdempotencyKey key,
                                                                      WriteRequest request) {
    auto written = co_await keyed_write(std::move(key), std::move(request));
    if (!written) co_return domain::unexpected(std::move(written).error());
    co_return std::move(written->keyed);
}

}  // namespace gateway::store
