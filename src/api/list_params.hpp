// The query of GET /apis: limit, cursor, tag (repeatable), enabled.
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

}  // namespace gateway::api
