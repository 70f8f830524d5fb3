#include "store/audit_trail.hpp"

#include <algorithm>

#include "domain/ids.hpp"

namespace gateway::store {

bool audit_record_matches(const domain::AuditRecord& record, const std::string& api) {
    if (domain::looks_like_uuid(api)) return domain::name_key(api) == record.api_id;
    return domain::name_key(api) == domain::name_key(record.api_name);
}

domain::Millis AuditTrail::oldest_kept(domain::Millis now) const {
    const auto retention = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.retention);
    return now - retention.count();
}

void AuditTrail::append(domain::AuditRecord record, domain::Millis now) {
    record.id = next_id_++;
    records_.push_back(std::move(record));
    const domain::Millis cutoff = oldest_kept(now);
    while (!records_.empty() &&
           (records_.size() > limits_.max_records || records_.front().at < cutoff)) {
        records_.pop_front();
    }
}

AuditPage AuditTrail::page(const AuditQuery& query, domain::Millis now) const {
    AuditPage page;
    const domain::Millis cutoff = oldest_kept(now);
    // Ids ascend from the front: the first record at or past the cursor bounds the walk.
    auto end = records_.end();
    if (query.before_id) {
        end = std::lower_bound(
            records_.begin(), records_.end(), *query.before_id,
            [](const domain::AuditRecord& record, std::int64_t id) { return record.id < id; });
    }
    for (auto it = std::make_reverse_iterator(end); it != records_.rend(); ++it) {
        if (it->at < cutoff) break;  // everything further is older still
        if (query.api && !audit_record_matches(*it, *query.api)) continue;
        if (page.items.size() == query.limit) {
            page.next = page.items.back().id;
            break;
        }
        page.items.push_back(*it);
    }
    return page;
}

}  // namespace gateway::store
