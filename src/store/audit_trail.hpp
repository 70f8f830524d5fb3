// The audit trail held in process memory (memory mode): bounded by age and by count, so
// that it cannot take the process's memory however many changes are made. Not
// synchronised: MemoryStore keeps it under the lock that guards its APIs, so a change and
// its record appear together.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>

#include "domain/audit.hpp"
#include "store/repository.hpp"

namespace gateway::store {

struct AuditLimits {
    // Records older than this are dropped (AUDIT_RETENTION_DAYS).
    std::chrono::days retention{90};
    // Beyond this many records the oldest are dropped first (AUDIT_MEMORY_MAX_RECORDS).
    std::size_t max_records = 100'000;
};

class AuditTrail {
  public:
    explicit AuditTrail(AuditLimits limits) : limits_(limits) {}

    // Numbers the record and keeps it; drops what the limits no longer admit. `now` is
    // the wall clock, in the records' terms.
    void append(domain::AuditRecord record, domain::Millis now);
    // A page, newest first; records past the retention are not shown even before the
    // next write drops them.
    AuditPage page(const AuditQuery& query, domain::Millis now) const;
    std::size_t size() const { return records_.size(); }

  private:
    domain::Millis oldest_kept(domain::Millis now) const;

    AuditLimits limits_;
    std::deque<domain::AuditRecord> records_;  // oldest first: ids ascending
    std::int64_t next_id_ = 1;
};

// Whether `record` is one of those `api` (an id, or a name in any case) asks for.
bool audit_record_matches(const domain::AuditRecord& record, const std::string& api);

}  // namespace gateway::store
