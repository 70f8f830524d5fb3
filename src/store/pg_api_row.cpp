#include "store/pg_api_row.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "store/pg_text_array.hpp"

namespace gateway::store {
namespace {

// Column positions in GATEWAY_API_COLUMNS.
enum Column : int {
    kId,
    kName,
    kDescription,
    kVersion,
    kBasePath,
    kUpstreamUrl,
    kMethods,
    kEnabled,
    kAuthType,
    kRateLimit,
    kTimeoutMs,
    kTags,
    kRevision,
    kCreatedAt,
    kUpdatedAt,
    kColumnCount
};

std::vector<std::string> text_array(const db::PgResult& result, int row, Column column) {
    auto elements = parse_text_array(result.text(row, column));
    if (!elements)
        throw std::runtime_error("apis row: malformed text[] in column " +
                                 std::to_string(static_cast<int>(column)));
    return std::move(*elements);
}

}  // namespace

domain::ApiPtr api_from_row(const db::PgResult& result, int row) {
    if (result.columns() != kColumnCount) {
        throw std::runtime_error("apis row: expected " + std::to_string(kColumnCount) +
                                 " columns, got " + std::to_string(result.columns()));
    }
    auto api = std::make_shared<domain::Api>();
    api->id = result.text(row, kId);
    domain::ApiSpec& spec = api->spec;
    spec.name = result.text(row, kName);
    spec.description = result.text(row, kDescription);
    spec.version = result.text(row, kVersion);
    spec.base_path = result.text(row, kBasePath);
    spec.upstream_url = result.text(row, kUpstreamUrl);
    spec.methods = text_array(result, row, kMethods);
    spec.enabled = result.boolean(row, kEnabled);
    spec.auth_type = result.text(row, kAuthType);
    spec.rate_limit_per_minute = result.optional_integer(row, kRateLimit);
    spec.timeout_ms = result.integer(row, kTimeoutMs);
    spec.tags = text_array(result, row, kTags);
    api->revision = result.integer(row, kRevision);
    api->created_at = result.integer(row, kCreatedAt);
    api->updated_at = result.integer(row, kUpdatedAt);
    return api;
}

void append_spec_params(db::Params& params, const domain::ApiSpec& spec) {
    params.emplace_back(spec.name);
    params.emplace_back(spec.description);
    params.emplace_back(spec.version);
    params.emplace_back(spec.base_path);
    params.emplace_back(spec.upstream_url);
    params.emplace_back(format_text_array(spec.methods));
    params.emplace_back(spec.enabled ? "true" : "false");
    params.emplace_back(spec.auth_type);
    if (spec.rate_limit_per_minute) {
        params.emplace_back(std::to_string(*spec.rate_limit_per_minute));
    } else {
        params.emplace_back(std::nullopt);
    }
    params.emplace_back(std::to_string(spec.timeout_ms));
    params.emplace_back(format_text_array(spec.tags));
}

}  // namespace gateway::store
