// Error responses in FastAPI's shape, which clients of the original service parse.
#pragma once

#include <string_view>

#include "api/request.hpp"
#include "domain/validation.hpp"
#include "store/store_error.hpp"

namespace gateway::api {

// {"detail": "<detail>"}
Response error_response(unsigned status, std::string_view detail);

// 422 {"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}
Response validation_error_response(const domain::FieldErrors& errors);

// 404, 409, 412, 422 or 503, as the kind of store failure says.
Response store_error_response(const store::StoreError& error);

Response not_found_response();                                 // unknown path
Response method_not_allowed_response(std::string_view allow);  // with the Allow header

}  // namespace gateway::api
