// The audit trail: one record for every change made to an API (create, replace, patch,
// delete), saying who made it, from where, and what it changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/api.hpp"

namespace gateway::domain {

// Where a write came from, as the request that made it says: the name of the API key it
// carried (or "anonymous" where no key is needed), the client's address, and the id the
// request goes by (X-Request-ID). Carried with every write down to the store that
// records it.
struct ChangeOrigin {
    std::string actor = "anonymous";
    std::string client_address = "-";
    std::string request_id;

    bool operator==(const ChangeOrigin&) const = default;
};

enum class AuditAction { create, replace, patch, remove };

// "create", "replace", "patch", "delete": the names the records and the database use.
std::string_view audit_action_name(AuditAction action);
std::optional<AuditAction> audit_action_from(std::string_view name);

struct AuditRecord {
    std::int64_t id = 0;  // increases with every record; the trail's order
    Millis at = 0;        // when the change was made (accepted, for a journaled write)
    ChangeOrigin origin;
    AuditAction action = AuditAction::create;
    std::string api_id;
    std::string api_name;                         // after the change; the one removed for a delete
    std::optional<std::int64_t> revision_before;  // none for a create
    std::optional<std::int64_t> revision_after;   // none for a delete
    std::vector<std::string> changed_fields;

    bool operator==(const AuditRecord&) const = default;
};

// The writable fields, in the contract's order: the names changed_fields uses.
inline constexpr std::size_t kWritableFieldCount = 11;
extern const std::string_view kWritableFields[kWritableFieldCount];

// The writable fields whose value differs between `before` and `after`. A create (no
// `before`) and a delete (no `after`) name every writable field: all of them came into
// being, or went away.
std::vector<std::string> changed_fields(const ApiSpec* before, const ApiSpec* after);

// changed_fields as one text, "name,base_path", and back: how the local journal and the
// audit query carry them (field names hold no comma).
std::string join_field_names(const std::vector<std::string>& fields);
std::vector<std::string> split_field_names(std::string_view joined);

// The record of a change from `before` to `after` (either may be absent: a create, a
// delete), without its id. nullopt when nothing changed (a write of what was there).
std::optional<AuditRecord> audit_record_of(AuditAction action, const Api* before, const Api* after,
                                           Millis at, ChangeOrigin origin);

// The record as GET /audit shows it.
void append_audit_json(std::string& out, const AuditRecord& record);

// Opaque cursors for GET /audit: the id of the last record a page returned (newest
// first, so the next page holds smaller ids).
std::string encode_audit_cursor(std::int64_t id);
std::optional<std::int64_t> decode_audit_cursor(std::string_view text);

}  // namespace gateway::domain
