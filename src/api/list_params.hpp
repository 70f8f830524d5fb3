// The queries of GET /apis (limit, cursor, tag (repeatable), enabled) and GET /audit.
#pragma once

#include <boost/url/params_view.hpp>

#include "domain/expected.hpp"
#include "domain/validation.hpp"
#include "store/repository.hpp"

namespace gateway::api {

inline constexpr std::size_t default_page_size = 100;
inline constexpr std::size_t max_page_size = 1000;

// Unknown parameters are ignored, as FastAPI does; bad values are 422 entries with
// loc ["query", name]. A cursor that this service did not issue is one of them.
domain::Expected<store::ListQuery, domain::FieldErrors> parse_list_params(
    boost::urls::params_view params);

// The longest `api` filter GET /audit takes: an id is 36 characters, a name at most 100.
inline constexpr std::size_t kMaxAuditApiFilterLength = 100;

// The query of GET /audit: limit (as GET /apis), cursor (one of its own next_cursor
// values), api (an API's id or name). Unknown parameters are ignored.
domain::Expected<store::AuditQuery, domain::FieldErrors> parse_audit_params(
    boost::urls::params_view params);

}  // namespace gateway::api
