// A write accepted while the primary could not be reached: kept in the local journal
// (DATA_DIR) until it is replayed into PostgreSQL, in the order it was accepted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/api.hpp"
#include "domain/audit.hpp"

namespace gateway::domain {

enum class JournalOp { create, update, remove };

// The Idempotency-Key a journaled write came with: kept with it, so that a retry is
// answered from the journal, and recorded in PostgreSQL with the change when replayed.
struct JournalKey {
    std::string key;
    std::string fingerprint;
};

struct JournalEntry {
    std::int64_t seq = 0;  // order of acceptance, from 1
    std::string entry_id;  // a UUID; PostgreSQL records it with the change (exactly once)
    JournalOp op = JournalOp::create;
    std::string api_id;
    // The revision the change was made on; none for a create.
    std::optional<std::int64_t> base_revision;
    // The API after the change, with its id, revision and timestamps; none for a remove.
    std::optional<Api> result;
    Millis accepted_at = 0;
    // Why it could not be applied; empty while it waits to be.
    std::string conflict;
    std::optional<JournalKey> idempotency;
    // The change's audit record (without its id), written with the change when it is
    // replayed. None for an entry journaled by a version that kept none: the replay then
    // writes what the entry itself says (audit_record_of_entry).
    std::optional<AuditRecord> audit;
};

// The audit record the replay of `entry` writes: the one it kept, or, for an entry from
// before records were kept, one made of the entry alone (actor "unknown", an update
// taken for a replace, its changed fields unknown and so empty).
inline AuditRecord audit_record_of_entry(const JournalEntry& entry) {
    if (entry.audit) return *entry.audit;
    AuditRecord record;
    record.at = entry.accepted_at;
    record.origin = ChangeOrigin{"unknown", "-", ""};
    record.api_id = entry.api_id;
    if (entry.result) record.api_name = entry.result->spec.name;
    record.revision_before = entry.base_revision;
    if (entry.result) record.revision_after = entry.result->revision;
    switch (entry.op) {
        case JournalOp::create:
            record.action = AuditAction::create;
            record.changed_fields = changed_fields(nullptr, nullptr);
            break;
        case JournalOp::update:
            record.action = AuditAction::replace;
            break;
        case JournalOp::remove:
            record.action = AuditAction::remove;
            record.changed_fields = changed_fields(nullptr, nullptr);
            break;
    }
    return record;
}

// What the write was answered: 201 for a create, 200 for an update, 204 for a delete.
inline unsigned journal_answer_status(JournalOp op) {
    switch (op) {
        case JournalOp::create:
            return 201;
        case JournalOp::update:
            return 200;
        case JournalOp::remove:
            return 204;
    }
    return 200;
}

inline std::string_view journal_op_name(JournalOp op) {
    switch (op) {
        case JournalOp::create:
            return "create";
        case JournalOp::update:
            return "update";
        case JournalOp::remove:
            return "delete";
    }
    return "?";
}

inline std::optional<JournalOp> journal_op_from(std::string_view name) {
    if (name == "create") return JournalOp::create;
    if (name == "update") return JournalOp::update;
    if (name == "delete") return JournalOp::remove;
    return std::nullopt;
}

}  // namespace gateway::domain
