// One HTTP response as a test sees it: plain data, independent of the client that read it.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gateway::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (compared case-insensitively).
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct Response {
    unsigned status = 0;
    Headers headers;  // in the order received
    std::string body;
    bool keep_alive = true;  // false when the server said it closes the connection

    // The first header with this name (names compared case-insensitively).
    std::optional<std::string> header(std::string_view name) const;

    // The body parsed as JSON; throws std::runtime_error quoting the body when it is not.
    boost::json::value json() const;
};

// The methods the Allow header lists, trimmed (none when there is no Allow header).
std::set<std::string> allowed_methods(const Response& response);

// So that a failed assertion shows the status and body instead of raw bytes.
void PrintTo(const Response& response, std::ostream* out);

}  // namespace gateway::test
