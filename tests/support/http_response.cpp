#include "support/http_response.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace gateway::test {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(
        a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// Failure messages stay readable even when a test sent a megabyte.
constexpr std::size_t kShownBodyChars = 2000;

}  // namespace

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
    for (const auto& [field, value] : headers) {
        if (equal_ignoring_case(field, name)) return value;
    }
    return std::nullopt;
}

std::optional<std::string> Response::header(std::string_view name) const {
    return find_header(headers, name);
}

boost::json::value Response::json() const {
    boost::system::error_code error;
    boost::json::value parsed = boost::json::parse(body, error);
    if (error) {
        throw std::runtime_error("HTTP " + std::to_string(status) +
                                 " body is not JSON: " + body.substr(0, kShownBodyChars));
    }
    return parsed;
}

void PrintTo(const Response& response, std::ostream* out) {
    *out << "HTTP " << response.status;
    if (auto type = response.header("Content-Type")) *out << " (" << *type << ")";
    *out << " body: " << response.body.substr(0, kShownBodyChars);
    if (response.body.size() > kShownBodyChars) *out << "...";
}

std::set<std::string> allowed_methods(const Response& response) {
    std::set<std::string> methods;
    std::istringstream list(response.header("Allow").value_or(""));
    for (std::string method; std::getline(list, method, ',');) {
        const auto first = method.find_first_not_of(' ');
        const auto last = method.find_last_not_of(' ');
        if (first != std::string::npos) methods.insert(method.substr(first, last - first + 1));
    }
    return methods;
}

}  // namespace gateway::test
