// The storage of APIs, at the level of the domain. MemoryStore and the PostgreSQL
// store implement it; a composite (primary + mirror + outbox) can implement it by
// delegation, which is why it stays this narrow.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "domain/api.hpp"
#include "domain/audit.hpp"
#include "domain/cursor.hpp"
#include "domain/precondition.hpp"
#include "store/idempotency.hpp"
#include "store/store_error.hpp"

namespace gateway::store {

struct ListQuery {
    std::size_t limit = 100;
    std::optional<domain::Cursor> after;  // start strictly after this key
    std::vector<std::string> tags;        // an API must carry every one
    std::optional<bool> enabled;
};

struct ApiPage {
    std::vector<domain::ApiPtr> items;
    std::optional<domain::Cursor> next;  // set when more APIs may follow
};

// GET /audit: newest first.
struct AuditQuery {
    std::size_t limit = 100;
    std::optional<std::int64_t> before_id;  // start strictly before (older than) this record
    // Only the records of this API: its id (when the text is one) or its name at the time
    // of the change (compared case-insensitively).
    std::optional<std::string> api;
};

struct AuditPage {
    std::vector<domain::AuditRecord> items;
    std::optional<std::int64_t> next;  // set when older records may follow
};

// `ref` is an API's id or its name (names compare case-insensitively); an id wins
// when both could match. Every write is atomic: its uniqueness checks, precondition
// and change happen as one step, whatever runs concurrently. Every write that changes an
// API records it in the audit trail, with `origin`, in that same step: a change and its
// record exist together or not at all.
class Repository {
  public:
    virtual ~Repository() = default;

    virtual boost::asio::awaitable<StoreResult<domain::ApiPtr>> create(
        domain::ApiSpec spec, domain::ChangeOrigin origin) = 0;
    virtual boost::asio::awaitable<StoreResult<domain::ApiPtr>> find(std::string ref) = 0;
    virtual boost::asio::awaitable<StoreResult<ApiPage>> list(ListQuery query) = 0;

    // Full replacement of the writable fields.
    virtual boost::asio::awaitable<StoreResult<domain::ApiPtr>> replace(
        std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
        domain::ChangeOrigin origin) = 0;

    // Applies a JSON Merge Patch to the current writable fields and validates the
    // result as a whole (StoreErrc::invalid with field errors when it fails).
    virtual boost::asio::awaitable<StoreResult<domain::ApiPtr>> patch(
        std::string ref, boost::json::object merge_patch, domain::Precondition precondition,
        domain::ChangeOrigin origin) = 0;

    virtual boost::asio::awaitable<StoreResult<Done>> remove(std::string ref,
                                                             domain::Precondition precondition,
                                                             domain::ChangeOrigin origin) = 0;

    // Carries out `request` once for `key`: a retry with the same key and fingerprint gets
    // the first answer again (replayed), the same key with another fingerprint is
    // StoreErrc::key_reused, and one that arrives while the first still runs may be
    // StoreErrc::key_in_progress. A request that fails leaves no trace of its key.
    virtual boost::asio::awaitable<StoreResult<KeyedOutcome>> write_once(IdempotencyKey key,
                                                                         WriteRequest request) = 0;

    // The audit trail, newest first.
    virtual boost::asio::awaitable<StoreResult<AuditPage>> audit(AuditQuery query) = 0;
};

}  // namespace gateway::store
