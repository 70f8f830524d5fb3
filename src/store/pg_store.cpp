#include "store/pg_store.hpp"

#include <algorithm>
#include <climits>
#include <exception>
#include <optional>
#include <utility>

#include <spdlog/spdlog.h>

#include "domain/api_json.hpp"
#include "domain/audit.hpp"
#include "domain/field_patterns.hpp"
#include "domain/ids.hpp"
#include "domain/merge_patch.hpp"
#include "domain/timestamps.hpp"
#include "domain/validation.hpp"
#include "store/pg_api_row.hpp"
#include "store/pg_api_statements.hpp"
#include "store/pg_list_statement.hpp"
#include "store/pg_store_errors.hpp"
#include "store/pg_text_array.hpp"

namespace gateway::store {
namespace {

using domain::ApiPtr;
using domain::ApiSpec;
using domain::Precondition;
using Connection = db::PgConnection;

// The SQLSTATE gateway_before_deadline raises (migration 0002).
constexpr std::string_view kDeadlinePassed = "GW001";

constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxTagLength = 64;

// 9999-12-31T23:59:59.999Z: the last instant a cursor can name that the database parses;
// a cursor past it lies after every stored API.
constexpr domain::Millis kLatestCursorMillis = 253'402'300'799'999;

// Whether `ref` could name a stored API at all. Anything else (too long, a character no
// name has, bytes that are not UTF-8) cannot match, and is answered without asking the
// database, which would reject malformed text as an error rather than find nothing.
bool could_name_an_api(std::string_view ref) {
    return domain::looks_like_uuid(ref) ||
           (ref.size() <= kMaxNameLength && domain::is_api_name(ref));
}

bool could_be_a_tag(std::string_view tag) {
    return !tag.empty() && tag.size() <= kMaxTagLength && domain::is_tag(tag);
}

// $1 (the id, when ref looks like one) and $2 (the lower-case name) of GATEWAY_API_BY_REF.
db::Params ref_params(std::string_view ref) {
    db::Params params;
    params.reserve(14);
    if (domain::looks_like_uuid(ref)) {
        params.emplace_back(std::string(ref));
    } else {
        params.emplace_back(std::nullopt);
    }
    params.emplace_back(domain::name_key(ref));
    return params;
}

std::string int_array(const std::vector<std::int64_t>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) literal += ',';
        literal += std::to_string(values[i]);
    }
    literal += '}';
    return literal;
}

// $3 of the conditional writes: the revisions If-Match admits, NULL for any.
std::optional<std::string> admitted_revisions(const Precondition& precondition) {
    if (!precondition.is_set() || precondition.any()) return std::nullopt;
    return int_array(precondition.revisions());
}

// PostgreSQL text cannot hold NUL, and a text parameter would silently end at one; the
// only field whose rules let NUL through is the free-form description.
std::optional<StoreError> unstorable(const ApiSpec& spec) {
    if (spec.description.find('\0') == std::string::npos) return std::nullopt;
    return StoreError{StoreErrc::invalid,
                      "Validation failed",
                      {{{"body", "description"},
                        "Value error, description must not contain NUL characters",
                        "value_error"}}};
}

StoreResult<ApiPtr> only_api(const db::PgResult& result, const db::Statement& statement) {
    try {
        return api_from_row(result, 0);
    } catch (const std::exception& e) {
        spdlog::error("statement {} returned a row that does not fit the schema: {}",
                      statement.name, e.what());
        return store_error(StoreErrc::unavailable,
                           "Database unavailable: unexpected row (schema out of date?)");
    }
}

// The audit record's parameters of a write (pg_api_statements.hpp): who, from where, which
// request, and the fields changed.
void append_audit_params(db::Params& params, const domain::ChangeOrigin& origin,
                         const std::vector<std::string>& changed) {
    params.emplace_back(origin.actor);
    params.emplace_back(origin.client_address);
    params.emplace_back(origin.request_id);
    params.emplace_back(format_text_array(changed));
}

StoreError precondition_failed(std::int64_t current_revision) {
    return StoreError{
        StoreErrc::precondition_failed, precondition_failed_detail(current_revision), {}};
}

// The instant after which a write must not start on the server. It lies well before the
// client gives up (the statement timeout), and the server abandons a statement after half
// of that timeout (see sources::with_server_timeouts), so a write that
// started in time ends before its client is told anything, and one that reaches the
// server late (a frozen server, a network that held its packets) fails there.
std::string write_deadline(std::chrono::milliseconds statement_timeout) {
    const auto guard = statement_timeout * 45 / 100;
    const auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now() + guard);
    return domain::format_timestamp(at.time_since_epoch().count());
}

// Failures that mean the database could not be reached or did not answer, as opposed to
// one that answered with an error.
bool is_unreachable(const db::DbError& error) {
    return error.code == db::DbErrc::connect_failed || error.code == db::DbErrc::timeout ||
           error.code == db::DbErrc::connection_lost;
}

// A write statement failed. When it was sent and then nothing came back (a timeout, a
// lost connection), the server may have applied it just before: the client is told the
// outcome is unknown, and the change feed puts the mirror right either way. A write the
// server refused (its deadline passed, a statement timeout, any error) did not apply.
StoreError write_failed(const db::DbError& error, const ApiSpec* spec) {
    if (error.code == db::DbErrc::timeout || error.code == db::DbErrc::connection_lost) {
        spdlog::warn("a write's outcome is unknown: {}", error.message);
        return StoreError{StoreErrc::unavailable,
                          "Database unavailable: the database did not answer in time, so "
                          "whether this change was applied is unknown; read the API before "
                          "trying again"};
    }
    if (error.code == db::DbErrc::query_failed && error.sqlstate == kDeadlinePassed) {
        return StoreError{StoreErrc::unavailable,
                          "Database unavailable: the change reached the database too late and "
                          "was not applied"};
    }
    return store_error_from(error, spec);
}

}  // namespace

PgStore::PgStore(std::shared_ptr<db::ConnectionPool> pool, config::DatabaseSettings settings,
                 std::shared_ptr<db::CircuitBreaker> breaker)
    : pool_(std::move(pool)), settings_(settings), breaker_(std::move(breaker)) {}

void PgStore::observe(const db::DbError* failure) {
    if (!breaker_) return;
    if (failure == nullptr) {
        breaker_->record_success();
    } else if (is_unreachable(*failure)) {
        breaker_->record_failure(unavailable_reason(*failure));
    }
}

boost::asio::awaitable<StoreResult<db::PooledConnection>> PgStore::acquire() {
    auto connection = co_await pool_->acquire();
    if (!connection) {
        observe(&connection.error());
        StoreError error{StoreErrc::unavailable, unavailable_detail(connection.error()), {}};
        error.unreached = connection.error().code == db::DbErrc::connect_failed;
        co_return domain::unexpected(std::move(error));
    }
    co_return std::move(connection).value();
}

boost::asio::awaitable<db::DbResult<db::PgResult>> PgStore::run(db::PgConnection& connection,
                                                                const db::Statement& statement,
                                                                const db::Params& params) {
    auto result = co_await connection.execute(statement, params, settings_.statement_timeout);
    observe(result ? nullptr : &result.error());
    co_return result;
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::find_on(Connection& connection,
                                                             std::string_view ref) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    // An id wins over a name: try it first when the ref could be one, then the name.
    if (domain::looks_like_uuid(ref)) {
        const db::Params by_id{std::string(ref)};
        auto result = co_await run(connection, sql::kFindApiById, by_id);
        if (!result) co_return domain::unexpected(store_error_from(result.error()));
        if (result->rows() != 0) co_return only_api(*result, sql::kFindApiById);
    }
    const db::Params by_name{domain::name_key(ref)};
    auto result = co_await run(connection, sql::kFindApiByName, by_name);
    if (!result) co_return domain::unexpected(store_error_from(result.error()));
    if (result->rows() == 0) co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    co_return only_api(*result, sql::kFindApiByName);
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::explain_miss(
    Connection& connection, std::string_view ref, const Precondition& precondition) {
    auto current = co_await find_on(connection, ref);
    if (current && !precondition.admits((*current)->revision)) {
        co_return domain::unexpected(precondition_failed((*current)->revision));
    }
    co_return current;
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::create(ApiSpec spec,
                                                            domain::ChangeOrigin origin) {
    if (auto error = unstorable(spec)) co_return domain::unexpected(std::move(*error));
    auto connection = co_await acquire();
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    co_return co_await create_on(**connection, std::move(spec), std::move(origin));
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::create_on(Connection& connection, ApiSpec spec,
                                                               domain::ChangeOrigin origin) {
    if (auto error = unstorable(spec)) co_return domain::unexpected(std::move(*error));
    db::Params params;
    params.reserve(17);
    params.emplace_back(domain::new_api_id());
    append_spec_params(params, spec);
    append_audit_params(params, origin, domain::changed_fields(nullptr, &spec));
    params.emplace_back(write_deadline(settings_.statement_timeout));
    auto result = co_await run(connection, sql::kInsertApi, params);
    if (!result) co_return domain::unexpected(write_failed(result.error(), &spec));
    co_return only_api(*result, sql::kInsertApi);
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::find(std::string ref) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    // A connection can die between its checkout and its use (a terminated backend, a
    // restarted server). A read may safely run again: once, on a fresh connection.
    for (int attempt = 1;; ++attempt) {
        auto connection = co_await acquire();
        if (!connection) co_return domain::unexpected(std::move(connection).error());
        auto found = co_await find_on(**connection, ref);
        if (found || attempt == 2 || !(*connection)->broken()) co_return found;
    }
}

boost::asio::awaitable<StoreResult<ApiPage>> PgStore::list(ListQuery query) {
    ApiPage page;
    // No API carries a tag that breaks the tag rules, and none was created after the
    // last instant the database can represent: both filters match nothing.
    if (query.limit == 0 || !std::all_of(query.tags.begin(), query.tags.end(), could_be_a_tag) ||
        (query.after && query.after->created_at > kLatestCursorMillis)) {
        co_return page;
    }
    // One row more than the page holds: only when it exists is there a next page.
    const std::size_t limit = std::min<std::size_t>(query.limit, INT_MAX - 1);
    const ListStatement list = list_statement(query, limit + 1);
    // As in find(): a read that lost its connection runs once more on a fresh one.
    std::optional<db::DbResult<db::PgResult>> outcome;
    for (int attempt = 1;; ++attempt) {
        auto connection = co_await acquire();
        if (!connection) co_return domain::unexpected(std::move(connection).error());
        outcome = co_await run(**connection, list.statement, list.params);
        if (*outcome || attempt == 2 || !(*connection)->broken()) break;
    }
    auto& result = *outcome;
    if (!result) co_return domain::unexpected(store_error_from(result.error()));

    const auto rows = static_cast<std::size_t>(result->rows());
    try {
        page.items = apis_from_rows(*result, limit);
    } catch (const std::exception& e) {
        spdlog::error("statement {} returned a row that does not fit the schema: {}",
                      list.statement.name, e.what());
        co_return store_error(StoreErrc::unavailable,
                              "Database unavailable: unexpected row (schema out of date?)");
    }
    if (rows > limit) {
        const domain::Api& last = *page.items.back();
        page.next = domain::Cursor{last.created_at, last.id};
    }
    co_return page;
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::replace(std::string ref, ApiSpec spec,
                                                             Precondition precondition,
                                                             domain::ChangeOrigin origin) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    if (auto error = unstorable(spec)) co_return domain::unexpected(std::move(*error));
    auto connection = co_await acquire();
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    co_return co_await replace_on(**connection, std::move(ref), std::move(spec),
                                  std::move(precondition), std::move(origin));
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::replace_on(Connection& connection,
                                                                std::string ref, ApiSpec spec,
                                                                Precondition precondition,
                                                                domain::ChangeOrigin origin) {
    if (auto error = unstorable(spec)) co_return domain::unexpected(std::move(*error));
    NextSpec next = [&spec](const domain::Api&) -> StoreResult<ApiSpec> { return spec; };
    co_return co_await update_on(connection, ref, precondition, domain::AuditAction::replace,
                                 origin, next);
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::patch(std::string ref,
                                                           boost::json::object merge_patch,
                                                           Precondition precondition,
                                                           domain::ChangeOrigin origin) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    auto connection = co_await acquire();
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    co_return co_await patch_on(**connection, std::move(ref), std::move(merge_patch),
                                std::move(precondition), std::move(origin));
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::patch_on(Connection& connection,
                                                              std::string ref,
                                                              boost::json::object merge_patch,
                                                              Precondition precondition,
                                                              domain::ChangeOrigin origin) {
    NextSpec next = [&merge_patch](const domain::Api& api) -> StoreResult<ApiSpec> {
        boost::json::value document = domain::spec_to_json_object(api.spec);
        domain::apply_merge_patch(document, merge_patch);
        auto spec = domain::spec_from_json(document.as_object());
        if (!spec) {
            return domain::unexpected(
                StoreError{StoreErrc::invalid, "Validation failed", std::move(spec).error()});
        }
        if (auto error = unstorable(*spec)) return domain::unexpected(std::move(*error));
        return std::move(spec).value();
    };
    co_return co_await update_on(connection, ref, precondition, domain::AuditAction::patch, origin,
                                 next);
}

boost::asio::awaitable<StoreResult<ApiPtr>> PgStore::update_on(
    Connection& connection, std::string_view ref, const Precondition& precondition,
    domain::AuditAction action, const domain::ChangeOrigin& origin, const NextSpec& next) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    // The current record is read first, so that the fields the change touches are known
    // for its audit record. Rounds are not capped: each lost round is another writer's
    // win, and a client that sent no precondition asked for nothing that can conflict.
    for (;;) {
        auto current = co_await find_on(connection, ref);
        if (!current) co_return current;
        const domain::Api& api = **current;
        if (!precondition.admits(api.revision)) {
            co_return domain::unexpected(precondition_failed(api.revision));
        }
        auto spec = next(api);
        if (!spec) co_return domain::unexpected(std::move(spec).error());
        if (*spec == api.spec) co_return current;  // no change: the revision stays

        // Written only if the API is still at the revision read; otherwise someone else
        // won, and the change is computed again from what they wrote (or refused, if the
        // client's If-Match no longer admits it). Uniqueness is decided by the statement.
        db::Params params{api.id, std::nullopt, int_array({api.revision})};
        params.reserve(20);
        append_spec_params(params, *spec);
        params.emplace_back(std::string(domain::audit_action_name(action)));
        append_audit_params(params, origin, domain::changed_fields(&api.spec, &spec.value()));
        params.emplace_back(write_deadline(settings_.statement_timeout));
        auto result = co_await run(connection, sql::kUpdateApi, params);
        if (!result) co_return domain::unexpected(write_failed(result.error(), &spec.value()));
        if (result->rows() == 1) co_return only_api(*result, sql::kUpdateApi);
    }
}

boost::asio::awaitable<StoreResult<Done>> PgStore::remove(std::string ref,
                                                          Precondition precondition,
                                                          domain::ChangeOrigin origin) {
    auto removed =
        co_await remove_returning_id(std::move(ref), std::move(precondition), std::move(origin));
    if (!removed) co_return domain::unexpected(std::move(removed).error());
    co_return Done{};
}

boost::asio::awaitable<StoreResult<std::string>> PgStore::remove_returning_id(
    std::string ref, Precondition precondition, domain::ChangeOrigin origin) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    auto connection = co_await acquire();
    if (!connection) co_return domain::unexpected(std::move(connection).error());
    co_return co_await remove_on(**connection, std::move(ref), std::move(precondition),
                                 std::move(origin));
}

boost::asio::awaitable<StoreResult<std::string>> PgStore::remove_on(Connection& connection,
                                                                    std::string ref,
                                                                    Precondition precondition,
                                                                    domain::ChangeOrigin origin) {
    if (!could_name_an_api(ref)) {
        co_return store_error(StoreErrc::not_found, not_found_detail(ref));
    }
    db::Params params = ref_params(ref);
    params.emplace_back(admitted_revisions(precondition));
    append_audit_params(params, origin, domain::changed_fields(nullptr, nullptr));
    params.emplace_back();  // the deadline, set for each round
    for (;;) {              // uncapped, as in replace()
        params.back() = write_deadline(settings_.statement_timeout);
        auto result = co_await run(connection, sql::kDeleteApi, params);
        if (!result) co_return domain::unexpected(write_failed(result.error(), nullptr));
        if (result->rows() == 1) co_return std::string(result->text(0, 0));
        auto why = co_await explain_miss(connection, ref, precondition);
        if (!why) co_return domain::unexpected(std::move(why).error());
    }
}

}  // namespace gateway::store
