// Writes sent with an Idempotency-Key (the IETF httpapi draft): the first request with a
// key is carried out and its answer kept; a retry with the same key and the same request
// gets that answer again instead of a second change; the same key with another request
// is refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "domain/api.hpp"
#include "domain/audit.hpp"
#include "domain/precondition.hpp"
#include "store/store_error.hpp"

namespace gateway::store {

class Repository;

// How long a key's answer is kept, from the first request.
inline constexpr std::chrono::hours kIdempotencyKeyLifetime{24};

struct IdempotencyKey {
    std::string key;          // as the client sent it
    std::string fingerprint;  // of the request: method, target, If-Match, body
};

// One write, as its handler decoded it.
struct WriteRequest {
    enum class Kind { create, replace, patch, remove };
    Kind kind = Kind::create;
    std::string ref;                    // replace, patch, remove
    domain::ApiSpec spec;               // create, replace
    boost::json::object merge_patch;    // patch
    domain::Precondition precondition;  // replace, patch, remove
    domain::ChangeOrigin origin;        // what the audit record says of the request
};

// What a write answered: what a retry with its key gets again.
struct RecordedOutcome {
    unsigned status = 0;        // 201, 200 or 204
    std::string api_id;         // empty for a delete
    std::int64_t revision = 0;  // the ETag's; 0 for a delete
    std::string body;           // the API as answered; empty for a delete
};

struct KeyedOutcome {
    RecordedOutcome outcome;
    bool replayed = false;  // the answer of an earlier request with this key
};

// The outcome of a write that succeeded: `api` is the record after it (the removed one
// for a delete).
RecordedOutcome record_of(WriteRequest::Kind kind, const domain::Api& api);

// Carries out `request` with `repository`'s ordinary writes.
boost::asio::awaitable<StoreResult<RecordedOutcome>> perform(Repository& repository,
                                                             WriteRequest request);

// The client-facing refusals.
StoreError key_reused_error();
StoreError key_in_progress_error();

}  // namespace gateway::store
