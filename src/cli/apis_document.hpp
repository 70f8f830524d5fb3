// The document `export` writes and `import` reads:
//
//   {"format_version": 1, "apis": [{"name": ..., "base_path": ..., ...}, ...]}
//
// APIs sorted by name (case-insensitively, as names are unique), each with the writable
// fields in the contract's order, so that exporting the same data always gives the same
// bytes and a diff of two exports shows only what changed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/api.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

inline constexpr std::int64_t kDocumentFormatVersion = 1;

// An API as an instance lists it: what it owns, and the writable fields read back with the
// same validation a request gets.
struct ListedApi {
    std::string id;
    std::int64_t revision = 0;
    domain::ApiSpec spec;
    boost::json::object as_listed;  // the server's representation, as received
};

// Reads one entry of GET /apis; the error says which field is missing or invalid.
domain::Expected<ListedApi, std::string> listed_api_from(const boost::json::object& object);

// The export document, ending with a newline. With `with_server_fields` each API is
// written as the server listed it (id, revision and timestamps included).
std::string export_document(std::vector<ListedApi> apis, bool with_server_fields);

// Reads an import document and validates every entry as a request body would be
// validated, and the names and base paths as unique among the entries. All problems are
// reported, each naming its entry ("apis[2] (billing): base_path: ...").
domain::Expected<std::vector<domain::ApiSpec>, std::vector<std::string>> read_apis_document(
    std::string_view text);

}  // namespace gateway::cli
