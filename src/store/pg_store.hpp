// The repository kept in PostgreSQL: the storage of record when a database is
// configured. Several instances may share the database, so every rule that must hold
// across writers (unique names and base paths, revision preconditions) is enforced by
// the database in the same statement as the write, never by a read before it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/settings.hpp"
#include "db/circuit_breaker.hpp"
#include "db/connection_pool.hpp"
#include "store/repository.hpp"

namespace gateway::store {

class PgStore final : public Repository {
  public:
    // Expects the schema of the embedded migrations (db::apply_migrations). With a
    // breaker, every failure to reach the database and every answer is reported to it.
    PgStore(std::shared_ptr<db::ConnectionPool> pool, config::DatabaseSettings settings,
            std::shared_ptr<db::CircuitBreaker> breaker = nullptr);

    boost::asio::awaitable<StoreResult<domain::ApiPtr>> create(
        domain::ApiSpec spec, domain::ChangeOrigin origin) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> find(std::string ref) override;
    boost::asio::awaitable<StoreResult<ApiPage>> list(ListQuery query) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> replace(
        std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
        domain::ChangeOrigin origin) override;
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> patch(std::string ref,
                                                              boost::json::object merge_patch,
                                                              domain::Precondition precondition,
                                                              domain::ChangeOrigin origin) override;
    boost::asio::awaitable<StoreResult<Done>> remove(std::string ref,
                                                     domain::Precondition precondition,
                                                     domain::ChangeOrigin origin) override;

    // remove(), answering with the id of the API removed.
    boost::asio::awaitable<StoreResult<std::string>> remove_returning_id(
        std::string ref, domain::Precondition precondition, domain::ChangeOrigin origin);

    // The audit_log table (pg_audit.cpp).
    boost::asio::awaitable<StoreResult<AuditPage>> audit(AuditQuery query) override;

    // The key, the change and its answer in one transaction (pg_keyed_write.cpp).
    boost::asio::awaitable<StoreResult<KeyedOutcome>> write_once(IdempotencyKey key,
                                                                 WriteRequest request) override;

    // write_once(), with what the mirror needs: the record written (none for a delete or
    // a replay) and the id removed (a delete's).
    struct KeyedWrite {
        KeyedOutcome keyed;
        domain::ApiPtr api;
        std::string removed_id;
    };
    boost::asio::awaitable<StoreResult<KeyedWrite>> keyed_write(IdempotencyKey key,
                                                                WriteRequest request);

    const std::shared_ptr<db::ConnectionPool>& pool() const { return pool_; }

  private:
    // The writes on a connection already held (in a transaction, for a keyed write).
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> create_on(db::PgConnection& connection,
                                                                  domain::ApiSpec spec,
                                                                  domain::ChangeOrigin origin);
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> replace_on(
        db::PgConnection& connection, std::string ref, domain::ApiSpec spec,
        domain::Precondition precondition, domain::ChangeOrigin origin);
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> patch_on(db::PgConnection& connection,
                                                                 std::string ref,
                                                                 boost::json::object merge_patch,
                                                                 domain::Precondition precondition,
                                                                 domain::ChangeOrigin origin);
    // The writable fields an update gives the API as it is now, or why it cannot.
    using NextSpec = std::function<StoreResult<domain::ApiSpec>(const domain::Api&)>;
    // replace_on and patch_on: reads the API, computes its next fields and writes them on
    // the revision read, with their audit record; again when another writer came between.
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> update_on(
        db::PgConnection& connection, std::string_view ref,
        const domain::Precondition& precondition, domain::AuditAction action,
        const domain::ChangeOrigin& origin, const NextSpec& next);
    boost::asio::awaitable<StoreResult<std::string>> remove_on(db::PgConnection& connection,
                                                               std::string ref,
                                                               domain::Precondition precondition,
                                                               domain::ChangeOrigin origin);
    boost::asio::awaitable<StoreResult<KeyedWrite>> write_on(db::PgConnection& connection,
                                                             WriteRequest request);
    // BEGIN, COMMIT, ROLLBACK: the failure, if any, reported to the breaker too.
    boost::asio::awaitable<std::optional<db::DbError>> simple(db::PgConnection& connection,
                                                              std::string_view sql);

    boost::asio::awaitable<StoreResult<db::PooledConnection>> acquire();
    // One statement, its outcome reported to the breaker.
    boost::asio::awaitable<db::DbResult<db::PgResult>> run(db::PgConnection& connection,
                                                           const db::Statement& statement,
                                                           const db::Params& params);
    void observe(const db::DbError* failure);
    // The API `ref` names, or not_found.
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> find_on(db::PgConnection& connection,
                                                                std::string_view ref);
    // A conditional write by `ref` touched no row: not_found, precondition_failed, or
    // the API as it is now when neither explains it (a concurrent writer came between,
    // and the caller should try again).
    boost::asio::awaitable<StoreResult<domain::ApiPtr>> explain_miss(
        db::PgConnection& connection, std::string_view ref,
        const domain::Precondition& precondition);

    std::shared_ptr<db::ConnectionPool> pool_;
    config::DatabaseSettings settings_;
    std::shared_ptr<db::CircuitBreaker> breaker_;
};

}  // namespace gateway::store
