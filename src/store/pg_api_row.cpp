#include "store/pg_api_row.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "db/pg_binary.hpp"
#include "store/pg_text_array.hpp"

namespace gateway::store {
namespace {

namespace binary = db::binary;

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

// The type each column must have (migration 0001), checked before any row is decoded.
constexpr std::array<Oid, kColumnCount> kColumnTypes{
    binary::kUuidOid, binary::kTextOid,        binary::kTextOid,       binary::kTextOid,
    binary::kTextOid, binary::kTextOid,        binary::kTextArrayOid,  binary::kBoolOid,
    binary::kTextOid, binary::kInt4Oid,        binary::kInt4Oid,       binary::kTextArrayOid,
    binary::kInt8Oid, binary::kTimestamptzOid, binary::kTimestamptzOid};

[[noreturn]] void malformed(Column column, int row) {
    throw std::runtime_error("apis row " + std::to_string(row) + ": malformed value in column " +
                             std::to_string(static_cast<int>(column)));
}

template <class T>
T decoded(std::optional<T> value, Column column, int row) {
    if (!value) malformed(column, row);
    return std::move(*value);
}

void check_columns(const db::PgResult& result) {
    if (result.columns() != kColumnCount) {
        throw std::runtime_error("apis row: expected " + std::to_string(kColumnCount) +
                                 " columns, got " + std::to_string(result.columns()));
    }
    for (int column = 0; column < kColumnCount; ++column) {
        if (!result.is_binary(column) || result.column_type(column) != kColumnTypes[column]) {
            throw std::runtime_error("apis row: column " + std::to_string(column) +
                                     " is not the binary value of the expected type");
        }
    }
}

domain::ApiPtr decode_api(const db::PgResult& result, int row) {
    const auto bytes = [&](Column column) { return result.bytes(row, column); };
    auto api = std::make_shared<domain::Api>();
    api->id = decoded(binary::decode_uuid(bytes(kId)), kId, row);
    domain::ApiSpec& spec = api->spec;
    spec.name = bytes(kName);
    spec.description = bytes(kDescription);
    spec.version = bytes(kVersion);
    spec.base_path = bytes(kBasePath);
    spec.upstream_url = bytes(kUpstreamUrl);
    spec.methods = decoded(binary::decode_text_array(bytes(kMethods)), kMethods, row);
    spec.enabled = decoded(binary::decode_bool(bytes(kEnabled)), kEnabled, row);
    spec.auth_type = bytes(kAuthType);
    if (!result.is_null(row, kRateLimit)) {
        spec.rate_limit_per_minute =
            decoded(binary::decode_int4(bytes(kRateLimit)), kRateLimit, row);
    }
    spec.timeout_ms = decoded(binary::decode_int4(bytes(kTimeoutMs)), kTimeoutMs, row);
    spec.tags = decoded(binary::decode_text_array(bytes(kTags)), kTags, row);
    api->revision = decoded(binary::decode_int8(bytes(kRevision)), kRevision, row);
    api->created_at =
        decoded(binary::decode_timestamptz_millis(bytes(kCreatedAt)), kCreatedAt, row);
    api->updated_at =
        decoded(binary::decode_timestamptz_millis(bytes(kUpdatedAt)), kUpdatedAt, row);
    return api;
}

}  // namespace

domain::ApiPtr api_from_row(const db::PgResult& result, int row) {
    check_columns(result);
    return decode_api(result, row);
}

std::vector<domain::ApiPtr> apis_from_rows(const db::PgResult& result, std::size_t max_rows) {
    std::vector<domain::ApiPtr> apis;
    const auto rows = std::min(static_cast<std::size_t>(result.rows()), max_rows);
    if (rows == 0) return apis;
    check_columns(result);
    apis.reserve(rows);
    for (std::size_t row = 0; row < rows; ++row) {
        apis.push_back(decode_api(result, static_cast<int>(row)));
    }
    return apis;
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
