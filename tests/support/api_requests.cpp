#include "support/api_requests.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <stdexcept>

namespace gateway::test {

namespace json = boost::json;

namespace {

std::string apis_target(std::string_view ref) {
    return "/apis/" + std::string(ref);
}

}  // namespace

std::string json_text(const json::value& value) {
    return json::serialize(value);
}

std::string etag_of(std::int64_t revision) {
    return "\"" + std::to_string(revision) + "\"";
}

std::string query_escape(std::string_view text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

Response create_api(HttpClient& client, const json::value& body, const Headers& headers) {
    return client.request("POST", "/apis", json_text(body), headers);
}

json::object must_create_api(HttpClient& client, const json::value& body) {
    const Response response = create_api(client, body);
    if (response.status != 201) {
        throw std::runtime_error("creating " + json_text(body) +
                                 " failed: " + ::testing::PrintToString(response));
    }
    return response.json().as_object();
}

Response get_api(HttpClient& client, std::string_view ref) {
    return client.request("GET", apis_target(ref));
}

Response replace_api(HttpClient& client, std::string_view ref, const json::value& body,
                     const Headers& headers) {
    return client.request("PUT", apis_target(ref), json_text(body), headers);
}

Response patch_api(HttpClient& client, std::string_view ref, const json::value& patch,
                   const Headers& headers) {
    Headers all = headers;
    if (!find_header(all, "Content-Type"))
        all.emplace_back("Content-Type", "application/merge-patch+json");
    return client.request("PATCH", apis_target(ref), json_text(patch), all);
}

Response delete_api(HttpClient& client, std::string_view ref, const Headers& headers) {
    return client.request("DELETE", apis_target(ref), {}, headers);
}

Response list_apis(HttpClient& client, std::string_view query) {
    std::string target = "/apis";
    if (!query.empty()) target += "?" + std::string(query);
    return client.request("GET", target);
}

Listing list_all_pages(HttpClient& client, std::string_view query, int limit, int max_pages) {
    Listing listing;
    std::string cursor;
    for (;;) {
        if (listing.pages == max_pages) {
            listing.error = "still not on the last page after " + std::to_string(max_pages);
            return listing;
        }
        std::string page_query = "limit=" + std::to_string(limit);
        if (!query.empty()) page_query += "&" + std::string(query);
        if (!cursor.empty()) page_query += "&cursor=" + query_escape(cursor);
        const Response page = list_apis(client, page_query);
        ++listing.pages;
        const std::string where = "page " + std::to_string(listing.pages) + " (" + page_query + ")";
        if (page.status != 200) {
            listing.error = where + ": HTTP " + std::to_string(page.status) + " " + page.body;
            return listing;
        }
        const json::value body = page.json();
        const json::object* object = body.if_object();
        const json::array* data =
            object && object->contains("data") ? object->at("data").if_array() : nullptr;
        if (!data || !object->contains("next_cursor")) {
            listing.error = where + ": not {data, next_cursor}: " + page.body;
            return listing;
        }
        if (data->size() > static_cast<std::size_t>(limit)) {
            listing.error = where + ": more items than the limit";
            return listing;
        }
        for (const auto& item : *data) listing.items.push_back(item.as_object());
        const json::value& next = object->at("next_cursor");
        if (next.is_null()) return listing;
        if (!next.is_string() || next.as_string().empty()) {
            listing.error = where + ": next_cursor is neither null nor a string";
            return listing;
        }
        cursor = std::string(next.as_string());
    }
}

}  // namespace gateway::test
