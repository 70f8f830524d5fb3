// Request bodies for the /apis resource, and the shapes the contract promises back.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace gateway::test {

// A valid API name no other test uses: the running test's name (made valid), `label`,
// and a random suffix, so tests can share one server without colliding.
std::string unique_name(std::string_view label = {});

// A valid tag no other test uses, so a list filtered by it sees only this test's APIs.
std::string unique_tag();

// The required fields only: `name`, base_path "/<name>", and an upstream on loopback.
boost::json::object minimal_api(std::string_view name);

// Every writable field set, each to something other than its default.
boost::json::object full_api(std::string_view name);

// The contract's defaults of the optional writable fields.
boost::json::object default_optional_fields();

bool is_uuid_v4(std::string_view text);

// RFC 3339, UTC, with milliseconds: 2026-11-27T07:00:00.123Z.
bool is_utc_millis_timestamp(std::string_view text);

}  // namespace gateway::test
