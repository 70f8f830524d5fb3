// Reading a request body as the JSON object the contract expects.
#pragma once

#include <initializer_list>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>

#include "api/request.hpp"
#include "domain/expected.hpp"

namespace gateway::api {

// The body as a JSON object, or the error response: 415 when Content-Type names a
// media type not in `accepted` (an absent Content-Type is read as JSON, as FastAPI
// does), 400 when the body is not JSON or not an object.
// `storage` lets a caller parse into memory it owns (a buffer on its own frame) when the
// object does not outlive it.
domain::Expected<boost::json::object, Response> read_json_object(
    const Request& request, std::initializer_list<std::string_view> accepted,
    boost::json::storage_ptr storage = {});

}  // namespace gateway::api
