#include "api/json_body.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/parse.hpp>

#include "api/errors.hpp"

namespace gateway::api {

namespace {

// "Application/JSON; charset=utf-8" -> "application/json"
std::string media_type_of(std::string_view content_type) {
    auto end = content_type.find(';');
    std::string_view type = content_type.substr(0, end);
    while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) {
        type.remove_suffix(1);
    }
    while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front()))) {
        type.remove_prefix(1);
    }
    std::string lowered(type);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lowered;
}

}  // namespace

domain::Expected<boost::json::object, Response> read_json_object(
    const Request& request, std::initializer_list<std::string_view> accepted,
    boost::json::storage_ptr storage) {
    if (!request.content_type.empty()) {
        const std::string type = media_type_of(request.content_type);
        if (std::find(accepted.begin(), accepted.end(), type) == accepted.end()) {
            std::string detail = "Unsupported Content-Type; expected ";
            bool first = true;
            for (auto name : accepted) {
                detail += first ? "" : " or ";
                detail += name;
                first = false;
            }
            return domain::unexpected(error_response(415, detail));
        }
    }
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(request.body, ec, std::move(storage));
    if (ec) {
        return domain::unexpected(error_response(400, "Request body is not valid JSON"));
    }
    if (!value.is_object()) {
        return domain::unexpected(error_response(400, "Request body must be a JSON object"));
    }
    return std::move(value.as_object());
}

}  // namespace gateway::api
