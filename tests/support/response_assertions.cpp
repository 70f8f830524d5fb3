#include "support/response_assertions.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace gateway::test {

namespace json = boost::json;

namespace {

std::string shown(const Response& response) {
    return ::testing::PrintToString(response);
}

std::string loc_element_text(const json::value& element) {
    if (const auto* text = element.if_string()) return std::string(*text);
    if (element.is_int64()) return std::to_string(element.as_int64());
    if (element.is_uint64()) return std::to_string(element.as_uint64());
    return "?";
}

bool loc_starts_with(const json::array& loc, const std::vector<std::string>& prefix) {
    if (loc.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), loc.begin(),
                      [](const std::string& want, const json::value& got) {
                          return got.is_string() && got.as_string() == want;
                      });
}

std::string loc_text(const std::vector<std::string>& loc) {
    std::string text = "[";
    for (const auto& element : loc) text += (text.size() > 1 ? ", " : "") + element;
    return text + "]";
}

bool is_json_content_type(const Response& response) {
    const auto type = response.header("Content-Type");
    return type && type->starts_with("application/json");
}

}  // namespace

::testing::AssertionResult HasStatus(const Response& response, unsigned status) {
    if (response.status == status) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "expected HTTP " << status << ", got " << shown(response);
}

::testing::AssertionResult IsDetailError(const Response& response, unsigned status) {
    if (response.status != status) {
        return ::testing::AssertionFailure()
               << "expected HTTP " << status << ", got " << shown(response);
    }
    if (!is_json_content_type(response)) {
        return ::testing::AssertionFailure() << "content type is not JSON: " << shown(response);
    }
    boost::system::error_code error;
    const json::value body = json::parse(response.body, error);
    const json::object* object = error ? nullptr : body.if_object();
    const json::value* detail = object ? object->if_contains("detail") : nullptr;
    if (!detail || !detail->is_string() || detail->as_string().empty()) {
        return ::testing::AssertionFailure()
               << "body is not {\"detail\": \"<message>\"}: " << shown(response);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsValidationError(const Response& response,
                                             const std::vector<std::string>& loc) {
    if (response.status != 422) {
        return ::testing::AssertionFailure()
               << "expected HTTP 422 at " << loc_text(loc) << ", got " << shown(response);
    }
    boost::system::error_code error;
    const json::value body = json::parse(response.body, error);
    const json::object* object = error ? nullptr : body.if_object();
    const json::value* detail = object ? object->if_contains("detail") : nullptr;
    if (!detail || !detail->is_array() || detail->as_array().empty()) {
        return ::testing::AssertionFailure()
               << "body is not {\"detail\": [...]}: " << shown(response);
    }
    bool found = false;
    std::string locs;
    for (const auto& entry : detail->as_array()) {
        const json::object* item = entry.if_object();
        const json::value* entry_loc = item ? item->if_contains("loc") : nullptr;
        const json::value* msg = item ? item->if_contains("msg") : nullptr;
        const json::value* type = item ? item->if_contains("type") : nullptr;
        if (!entry_loc || !entry_loc->is_array() || !msg || !msg->is_string() || !type ||
            !type->is_string()) {
            return ::testing::AssertionFailure()
                   << "an entry is not {loc: [...], msg: string, type: string}: "
                   << shown(response);
        }
        std::vector<std::string> parts;
        for (const auto& part : entry_loc->as_array()) parts.push_back(loc_element_text(part));
        locs += " " + loc_text(parts);
        if (loc_starts_with(entry_loc->as_array(), loc)) found = true;
    }
    if (!found) {
        return ::testing::AssertionFailure()
               << "no entry at " << loc_text(loc) << "; locs:" << locs << "; " << shown(response);
    }
    return ::testing::AssertionSuccess();
}

}  // namespace gateway::test
