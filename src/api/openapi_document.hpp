// The OpenAPI 3 description of this service, served at /openapi.json.
#pragma once

#include <string_view>

namespace gateway::api {

// The document kept in src/api/openapi.json, compiled into the binary.
std::string_view openapi_document();

}  // namespace gateway::api
