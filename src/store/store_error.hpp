// Why a repository operation did not succeed; the HTTP layer maps each kind to a status.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/expected.hpp"
#include "domain/validation.hpp"

namespace gateway::store {

enum class StoreErrc {
    not_found,            // 404: no API with that id or name
    conflict,             // 409: name or base_path taken by another API
    precondition_failed,  // 412: If-Match did not admit the current revision
    invalid,              // 422: a patched result failed validation (field_errors says why)
    unavailable,          // 503: the storage cannot answer now (timeout, connection lost)
    key_reused,           // 422: an Idempotency-Key sent before with another request
    key_in_progress,      // 409: the first request with this Idempotency-Key still runs
};

struct StoreError {
    StoreError(StoreErrc code_in, std::string detail_in, domain::FieldErrors field_errors_in = {},
               std::optional<std::chrono::seconds> retry_after_in = std::nullopt)
        : code(code_in),
          detail(std::move(detail_in)),
          field_errors(std::move(field_errors_in)),
          retry_after(retry_after_in) {}

    StoreErrc code;
    std::string detail;                // safe to show a client: never a secret
    domain::FieldErrors field_errors;  // only for StoreErrc::invalid
    // For unavailable: when trying again makes sense (the Retry-After header).
    std::optional<std::chrono::seconds> retry_after;
    // For unavailable: the database could not even be reached, so the change certainly
    // was not applied (and may be journaled instead).
    bool unreached = false;
};

template <class T>
using StoreResult = domain::Expected<T, StoreError>;

// The value of an operation that succeeds with nothing to return (delete).
using Done = std::monostate;

inline domain::Unexpected<StoreError> store_error(StoreErrc code, std::string detail) {
    return {StoreError{code, std::move(detail), {}}};
}

}  // namespace gateway::store

namespace gateway::store {

// The client-facing wording of each failure, shared by every store so that clients
// see the same text whichever storage answers.
std::string not_found_detail(std::string_view ref);
std::string name_taken_detail(std::string_view name);
std::string base_path_taken_detail(std::string_view base_path);
std::string precondition_failed_detail(std::int64_t current_revision);

}  // namespace gateway::store
