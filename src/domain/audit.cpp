#include "domain/audit.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "domain/api_json.hpp"
#include "domain/base64url.hpp"
#include "domain/timestamps.hpp"

namespace gateway::domain {
namespace {

// Distinct from the version prefix of the API list's cursors, so that neither kind is
// taken for the other.
constexpr std::string_view kAuditCursorPrefix = "a1:";
constexpr std::size_t kMaxAuditCursorLength = 64;

void append_optional_revision(std::string& out, const std::optional<std::int64_t>& revision) {
    if (revision) {
        out += std::to_string(*revision);
    } else {
        out += "null";
    }
}

}  // namespace

const std::string_view kWritableFields[kWritableFieldCount] = {
    "name",       "description",  "version",
    "base_path",  "upstream_url", "methods",
    "enabled",    "auth_type",    "rate_limit_per_minute",
    "timeout_ms", "tags"};

std::string_view audit_action_name(AuditAction action) {
    switch (action) {
        case AuditAction::create:
            return "create";
        case AuditAction::replace:
            return "replace";
        case AuditAction::patch:
            return "patch";
        case AuditAction::remove:
            return "delete";
    }
    return "?";
}

std::optional<AuditAction> audit_action_from(std::string_view name) {
    if (name == "create") return AuditAction::create;
    if (name == "replace") return AuditAction::replace;
    if (name == "patch") return AuditAction::patch;
    if (name == "delete") return AuditAction::remove;
    return std::nullopt;
}

std::vector<std::string> changed_fields(const ApiSpec* before, const ApiSpec* after) {
    std::vector<std::string> fields;
    if (before == nullptr || after == nullptr) {
        fields.assign(std::begin(kWritableFields), std::end(kWritableFields));
        return fields;
    }
    // In the order of kWritableFields.
    const bool differs[kWritableFieldCount] = {
        before->name != after->name,
        before->description != after->description,
        before->version != after->version,
        before->base_path != after->base_path,
        before->upstream_url != after->upstream_url,
        before->methods != after->methods,
        before->enabled != after->enabled,
        before->auth_type != after->auth_type,
        before->rate_limit_per_minute != after->rate_limit_per_minute,
        before->timeout_ms != after->timeout_ms,
        before->tags != after->tags,
    };
    for (std::size_t i = 0; i < kWritableFieldCount; ++i) {
        if (differs[i]) fields.emplace_back(kWritableFields[i]);
    }
    return fields;
}

std::string join_field_names(const std::vector<std::string>& fields) {
    std::string joined;
    for (const auto& field : fields) {
        if (!joined.empty()) joined += ',';
        joined += field;
    }
    return joined;
}

std::vector<std::string> split_field_names(std::string_view joined) {
    std::vector<std::string> fields;
    while (!joined.empty()) {
        const auto comma = joined.find(',');
        fields.emplace_back(joined.substr(0, comma));
        if (comma == std::string_view::npos) break;
        joined.remove_prefix(comma + 1);
    }
    return fields;
}

std::optional<AuditRecord> audit_record_of(AuditAction action, const Api* before, const Api* after,
                                           Millis at, ChangeOrigin origin) {
    if (before == nullptr && after == nullptr) return std::nullopt;
    if (before != nullptr && after != nullptr && before->revision == after->revision) {
        return std::nullopt;  // a write of what was there: no change, no record
    }
    AuditRecord record;
    record.at = at;
    record.origin = std::move(origin);
    record.action = action;
    const Api& subject = after != nullptr ? *after : *before;
    record.api_id = subject.id;
    record.api_name = subject.spec.name;
    if (before != nullptr) record.revision_before = before->revision;
    if (after != nullptr) record.revision_after = after->revision;
    record.changed_fields = changed_fields(before != nullptr ? &before->spec : nullptr,
                                           after != nullptr ? &after->spec : nullptr);
    return record;
}

void append_audit_json(std::string& out, const AuditRecord& record) {
    out += "{\"id\":";
    out += std::to_string(record.id);
    out += ",\"at\":";
    append_json_string(out, format_timestamp(record.at));
    out += ",\"actor\":";
    append_json_string(out, record.origin.actor);
    out += ",\"client_address\":";
    append_json_string(out, record.origin.client_address);
    out += ",\"request_id\":";
    append_json_string(out, record.origin.request_id);
    out += ",\"action\":";
    append_json_string(out, audit_action_name(record.action));
    out += ",\"api_id\":";
    append_json_string(out, record.api_id);
    out += ",\"api_name\":";
    append_json_string(out, record.api_name);
    out += ",\"revision_before\":";
    append_optional_revision(out, record.revision_before);
    out += ",\"revision_after\":";
    append_optional_revision(out, record.revision_after);
    out += ",\"changed_fields\":[";
    for (std::size_t i = 0; i < record.changed_fields.size(); ++i) {
        if (i != 0) out += ',';
        append_json_string(out, record.changed_fields[i]);
    }
    out += "]}";
}

std::string encode_audit_cursor(std::int64_t id) {
    return base64url_encode(std::string(kAuditCursorPrefix) + std::to_string(id));
}

std::optional<std::int64_t> decode_audit_cursor(std::string_view text) {
    if (text.empty() || text.size() > kMaxAuditCursorLength) return std::nullopt;
    const std::optional<std::string> plain = base64url_decode(text);
    if (!plain || !plain->starts_with(kAuditCursorPrefix)) return std::nullopt;
    const std::string_view digits = std::string_view(*plain).substr(kAuditCursorPrefix.size());
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc{} || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
    // One key in one spelling: no leading zeros.
    if (std::to_string(id) != digits) return std::nullopt;
    return id;
}

}  // namespace gateway::domain
