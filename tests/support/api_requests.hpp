// The contract's requests on the /apis resource, so that tests read like the contract.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"
#include "support/http_response.hpp"

namespace gateway::test {

std::string json_text(const boost::json::value& value);

// `"<revision>"`, the ETag the contract gives a revision.
std::string etag_of(std::int64_t revision);

// The text of a query parameter value, percent-encoded for a request target.
std::string query_escape(std::string_view text);

Response create_api(HttpClient& client, const boost::json::value& body,
                    const Headers& headers = {});
// The created API; throws std::runtime_error, showing the response, unless it is a 201.
// For setting up a test's data, where anything but success means the test cannot go on.
boost::json::object must_create_api(HttpClient& client, const boost::json::value& body);

Response get_api(HttpClient& client, std::string_view ref);
Response replace_api(HttpClient& client, std::string_view ref, const boost::json::value& body,
                     const Headers& headers = {});
// Sent as application/merge-patch+json unless `headers` names another Content-Type.
Response patch_api(HttpClient& client, std::string_view ref, const boost::json::value& patch,
                   const Headers& headers = {});
Response delete_api(HttpClient& client, std::string_view ref, const Headers& headers = {});
// `query` without the '?', e.g. "limit=3&tag=a".
Response list_apis(HttpClient& client, std::string_view query = {});

struct Listing {
    std::vector<boost::json::object> items;  // every page's data, in the order received
    int pages = 0;
    std::string error;  // empty on success; otherwise what went wrong and on which page
};

// Follows next_cursor from the first page until it is null. `query` holds any filters;
// `limit` is added. Stops with an error on a non-200 page, a malformed page, a page
// larger than `limit`, or more than `max_pages` pages (a cursor that never ends).
Listing list_all_pages(HttpClient& client, std::string_view query, int limit,
                       int max_pages = 10000);

}  // namespace gateway::test
