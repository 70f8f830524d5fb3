// Turning client JSON into a validated ApiSpec, with FastAPI-shaped error entries.
#pragma once

#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "domain/api.hpp"
#include "domain/expected.hpp"

namespace gateway::domain {

// One problem found in a request, as FastAPI reports it in a 422 body:
// loc = ["body", "name"], msg = "String should have at most 100 characters",
// type = "string_too_long".
struct FieldError {
    std::vector<std::string> loc;
    std::string msg;
    std::string type;

    bool operator==(const FieldError&) const = default;
};
using FieldErrors = std::vector<FieldError>;

// Validates a request body as the writable fields of an API. Omitted optional fields
// take their defaults; read-only fields (id, revision, created_at, updated_at) are
// ignored; any other unknown field is an error. Every problem is reported, not just
// the first.
Expected<ApiSpec, FieldErrors> spec_from_json(const boost::json::object& body);

}  // namespace gateway::domain
