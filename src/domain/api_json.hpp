// JSON representations of an API.
#pragma once

#include <string>

#include <boost/json/fwd.hpp>

#include "domain/api.hpp"

namespace gateway::domain {

// Appends the full representation of `api` (all contract fields, in the contract's
// order) to `out`. Written by hand because it is on every read path.
void append_api_json(std::string& out, const Api& api);
std::string api_to_json(const Api& api);

// The writable fields as a JSON object: the document a merge patch is applied to.
boost::json::object spec_to_json_object(const ApiSpec& spec);

// Appends `text` as a JSON string literal (quotes included), escaping as RFC 8259 asks.
void append_json_string(std::string& out, std::string_view text);

}  // namespace gateway::domain
