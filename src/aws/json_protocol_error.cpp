#include "aws/json_protocol_error.hpp"

#include <optional>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace gateway::aws {
namespace {

constexpr std::size_t kMaxMessageLength = 300;

std::optional<boost::json::object> body_object(const HttpResponse& response) {
    boost::system::error_code error;
    auto parsed = boost::json::parse(response.body, error);
    if (error || !parsed.is_object()) return std::nullopt;
    return std::move(parsed.get_object());
}

std::string_view string_member(const boost::json::object& object,
                               std::initializer_list<std::string_view> names) {
    for (const auto name : names) {
        if (const auto* value = object.if_contains(name); value != nullptr && value->is_string()) {
            return value->get_string();
        }
    }
    return {};
}

}  // namespace

std::string bare_error_type(std::string_view raw) {
    if (const auto colon = raw.find(':'); colon != std::string_view::npos) {
        raw = raw.substr(0, colon);
    }
    if (const auto hash = raw.rfind('#'); hash != std::string_view::npos) {
        raw.remove_prefix(hash + 1);
    }
    while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
    while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
    return std::string(raw);
}

std::string json_error_type(const HttpResponse& response) {
    if (const auto header = response.header("x-amzn-errortype")) {
        if (auto type = bare_error_type(*header); !type.empty()) return type;
    }
    if (const auto body = body_object(response)) {
        return bare_error_type(string_member(*body, {"__type", "code", "Code"}));
    }
    return {};
}

std::string json_error_message(const HttpResponse& response) {
    const auto body = body_object(response);
    if (!body) return {};
    std::string_view message = string_member(*body, {"message", "Message"});
    if (const auto end = message.find_first_of("\r\n"); end != std::string_view::npos) {
        message = message.substr(0, end);
    }
    std::string text(message.substr(0, kMaxMessageLength));
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return text;
}

}  // namespace gateway::aws
