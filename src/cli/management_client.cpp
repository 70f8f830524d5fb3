#include "cli/management_client.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "aws/http_client.hpp"
#include "domain/ids.hpp"

namespace gateway::cli {
namespace {

namespace json = boost::json;

constexpr std::chrono::milliseconds kConnectTimeout{5000};
constexpr std::chrono::milliseconds kRequestTimeout{30000};
constexpr int kAttempts = 3;
// Before the second and the third attempt: long enough for a restarting instance or a
// recovering database to answer, short enough that a person waits for it.
constexpr std::chrono::milliseconds kFirstRetryDelay{500};

bool worth_repeating(const domain::Expected<aws::HttpResponse, aws::HttpError>& outcome) {
    return !outcome || outcome->status == 503;
}

std::string loc_text(const json::array& loc) {
    std::string text;
    for (const auto& part : loc) {
        std::string piece;
        if (part.is_string()) {
            piece = std::string(part.get_string());
        } else if (part.is_int64()) {
            piece = std::to_string(part.get_int64());
        } else {
            continue;
        }
        // "body" only says where in the request; the field is what a reader looks for.
        if (text.empty() && piece == "body") continue;
        if (!text.empty()) text += '.';
        text += piece;
    }
    return text;
}

}  // namespace

ManagementClient::ManagementClient(ConnectionOptions options) : options_(std::move(options)) {}

domain::Expected<Reply, ClientError> ManagementClient::send(
    std::string_view method, std::string_view path, const std::string& body,
    const std::optional<std::string>& if_match) const {
    aws::HttpRequest request;
    request.method = std::string(method);
    request.url = options_.base_url + std::string(path);
    request.body = body;
    request.connect_timeout = kConnectTimeout;
    request.total_timeout = kRequestTimeout;
    request.ca_bundle = options_.ca_file;
    request.headers.emplace_back("Accept", "application/json");
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (if_match) request.headers.emplace_back("If-Match", *if_match);
    if (method != "GET") {
        request.headers.emplace_back("Idempotency-Key", "\"" + domain::new_api_id() + "\"");
    }
    if (options_.api_key)
        request.headers.emplace_back("Authorization", "Bearer " + *options_.api_key);

    auto outcome = aws::perform(request);
    auto delay = kFirstRetryDelay;
    for (int attempt = 1; attempt < kAttempts && worth_repeating(outcome); ++attempt) {
        std::this_thread::sleep_for(delay);
        delay *= 2;
        outcome = aws::perform(request);
    }
    if (!outcome) {
        return domain::unexpected(ClientError{request.method + " " + request.url +
                                              " failed: " + outcome.error().message});
    }
    return Reply{outcome->status, std::move(outcome->body)};
}

domain::Expected<std::vector<json::object>, ClientError> ManagementClient::list_apis() const {
    std::vector<json::object> apis;
    std::string cursor;
    while (true) {
        std::string path = "/apis?limit=" + std::to_string(options_.page_size);
        if (!cursor.empty()) {
            path += "&cursor=" + boost::urls::encode(cursor, boost::urls::unreserved_chars);
        }
        auto reply = send("GET", path);
        if (!reply) return domain::unexpected(std::move(reply).error());
        const std::string where = "GET " + options_.base_url + "/apis";
        if (reply->status != 200) {
            return domain::unexpected(ClientError{where + " answered " +
                                                  std::to_string(reply->status) + ": " +
                                                  refusal_detail(*reply)});
        }
        boost::system::error_code ec;
        const json::value page = json::parse(reply->body, ec);
        const json::object* object = ec ? nullptr : page.if_object();
        const json::value* data = object ? object->if_contains("data") : nullptr;
        const json::value* next = object ? object->if_contains("next_cursor") : nullptr;
        if (data == nullptr || !data->is_array() || next == nullptr ||
            !(next->is_null() || next->is_string())) {
            return domain::unexpected(
                ClientError{where + " answered a page that is not {\"data\": [...], "
                                    "\"next_cursor\": ...}: is the URL that of the service?"});
        }
        for (const auto& item : data->get_array()) {
            if (!item.is_object()) {
                return domain::unexpected(
                    ClientError{where + " listed an entry that is not an object"});
            }
            apis.push_back(item.get_object());
        }
        if (next->is_null()) return apis;
        std::string next_cursor(next->get_string());
        if (next_cursor.empty() || next_cursor == cursor) {
            return domain::unexpected(
                ClientError{where + " answered a cursor that does not move on"});
        }
        cursor = std::move(next_cursor);
    }
}

std::string refusal_detail(const Reply& reply) {
    std::string status = "HTTP " + std::to_string(reply.status);
    boost::system::error_code ec;
    const json::value body = json::parse(reply.body, ec);
    const json::object* object = ec ? nullptr : body.if_object();
    const json::value* detail = object ? object->if_contains("detail") : nullptr;
    if (detail == nullptr) return status;
    if (detail->is_string()) return std::string(detail->get_string());
    if (!detail->is_array()) return status;
    std::string text;
    for (const auto& entry : detail->get_array()) {
        const json::object* problem = entry.if_object();
        if (problem == nullptr) continue;
        const json::value* msg = problem->if_contains("msg");
        const json::value* loc = problem->if_contains("loc");
        if (msg == nullptr || !msg->is_string()) continue;
        if (!text.empty()) text += "; ";
        if (loc != nullptr && loc->is_array()) {
            if (std::string where = loc_text(loc->get_array()); !where.empty()) {
                text += where + ": ";
            }
        }
        text += std::string(msg->get_string());
    }
    return text.empty() ? status : text;
}

}  // namespace gateway::cli
