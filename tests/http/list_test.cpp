// GET /apis: pages of {data, next_cursor} in (created_at, id) order, with filters.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using ListApis = SharedServerTest;

std::vector<std::string> ids_of(const std::vector<json::object>& apis) {
    std::vector<std::string> ids;
    ids.reserve(apis.size());
    for (const auto& api : apis) ids.emplace_back(api.at("id").as_string());
    return ids;
}

// The contract's order. Its timestamps have a fixed width, so text order is time order.
std::vector<std::string> ids_in_list_order(std::vector<json::object> apis) {
    std::ranges::sort(apis, [](const json::object& a, const json::object& b) {
        const auto key = [](const json::object& api) {
            return std::pair(std::string(api.at("created_at").as_string()),
                             std::string(api.at("id").as_string()));
        };
        return key(a) < key(b);
    });
    return ids_of(apis);
}

json::object tagged_api(const std::vector<std::string>& tags, std::string_view label = {}) {
    json::object body = minimal_api(unique_name(label));
    json::array array;
    for (const auto& tag : tags) array.emplace_back(json::string(tag));
    body["tags"] = std::move(array);
    return body;
}

std::vector<json::object> create_tagged(HttpClient& http, const std::string& tag, int count) {
    std::vector<json::object> created;
    created.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) created.push_back(must_create_api(http, tagged_api({tag})));
    return created;
}

std::vector<std::string> listed_names(HttpClient& http, const std::string& query) {
    const Listing listing = list_all_pages(http, query, 100);
    EXPECT_EQ(listing.error, "");
    std::vector<std::string> names;
    for (const auto& api : listing.items) names.emplace_back(api.at("name").as_string());
    std::ranges::sort(names);
    return names;
}

std::vector<std::string> sorted(std::vector<std::string> items) {
    std::ranges::sort(items);
    return items;
}

std::string name_of(const json::object& api) {
    return std::string(api.at("name").as_string());
}

TEST_F(ListApis, AnswersDataAndNextCursor) {
    auto http = client();
    const Response response = list_apis(http, "tag=" + unique_tag());
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json(), (json::object{{"data", json::array{}}, {"next_cursor", nullptr}}));
}

TEST_F(ListApis, ReturnsApisAsTheyAreStored) {
    auto http = client();
    const std::string tag = unique_tag();
    json::object body = full_api(unique_name());
    body["tags"] = json::array{json::string(tag)};
    const json::object created = must_create_api(http, body);
    const Response response = list_apis(http, "tag=" + tag);
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json().at("data"), json::array{created});
}

TEST_F(ListApis, PagesThroughEachApiOnceInOrder) {
    auto http = client();
    const std::string tag = unique_tag();
    const auto created = create_tagged(http, tag, 10);
    const Listing listing = list_all_pages(http, "tag=" + tag, 3);
    ASSERT_EQ(listing.error, "");
    EXPECT_EQ(ids_of(listing.items), ids_in_list_order(created));
    EXPECT_GE(listing.pages, 4);
}

TEST_F(ListApis, DefaultLimitIsOneHundred) {
    auto http = client();
    const std::string tag = unique_tag();
    create_tagged(http, tag, 101);
    const Response first = list_apis(http, "tag=" + tag);
    ASSERT_TRUE(HasStatus(first, 200));
    EXPECT_EQ(first.json().at("data").as_array().size(), 100u);
    const json::value cursor = first.json().at("next_cursor");
    ASSERT_TRUE(cursor.is_string()) << first.body.substr(0, 200);
    const Response second =
        list_apis(http, "tag=" + tag + "&cursor=" + query_escape(cursor.as_string()));
    ASSERT_TRUE(HasStatus(second, 200));
    EXPECT_EQ(second.json().at("data").as_array().size(), 1u);
}

TEST_F(ListApis, PagingIsStableWhileRowsChange) {
    auto http = client();
    const std::string tag = unique_tag();
    const auto created = create_tagged(http, tag, 9);
    const auto order = ids_in_list_order(created);

    const Response first = list_apis(http, "limit=3&tag=" + tag);
    ASSERT_TRUE(HasStatus(first, 200));
    std::vector<std::string> seen;
    const json::array first_page = first.json().at("data").as_array();
    for (const auto& api : first_page) {
        seen.emplace_back(api.at("id").as_string());
    }
    ASSERT_EQ(seen, std::vector<std::string>(order.begin(), order.begin() + 3));
    const json::value cursor = first.json().at("next_cursor");
    ASSERT_TRUE(cursor.is_string()) << first.body;

    // One row already seen and one not yet seen go away; a new one arrives.
    ASSERT_TRUE(HasStatus(delete_api(http, order[1]), 204));
    ASSERT_TRUE(HasStatus(delete_api(http, order[4]), 204));
    const json::object added = must_create_api(http, tagged_api({tag}, "added"));

    const Listing rest =
        list_all_pages(http, "tag=" + tag + "&cursor=" + query_escape(cursor.as_string()), 3);
    ASSERT_EQ(rest.error, "");
    // Everything after the cursor's row in the contract's order, (created_at, id): the
    // new row normally sorts last, but one created within the same millisecond as the
    // cursor's row may sort before it by id, and then belongs to a page already read.
    std::vector<json::object> now_stored;
    for (const auto& api : created) {
        const auto id = api.at("id").as_string();
        if (id != order[1] && id != order[4]) now_stored.push_back(api);
    }
    now_stored.push_back(added);
    const auto all = ids_in_list_order(now_stored);
    const auto after_cursor = std::find(all.begin(), all.end(), order[2]);
    ASSERT_NE(after_cursor, all.end());
    EXPECT_EQ(ids_of(rest.items), std::vector<std::string>(after_cursor + 1, all.end()));
}

TEST_F(ListApis, TagFilterRequiresEveryTag) {
    auto http = client();
    const std::string red = unique_tag();
    const std::string blue = unique_tag();
    const auto both = name_of(must_create_api(http, tagged_api({red, blue}, "both")));
    const auto only_red = name_of(must_create_api(http, tagged_api({red}, "red")));
    const auto only_blue = name_of(must_create_api(http, tagged_api({blue}, "blue")));

    EXPECT_EQ(listed_names(http, "tag=" + red), sorted({both, only_red}));
    EXPECT_EQ(listed_names(http, "tag=" + blue), sorted({both, only_blue}));
    EXPECT_EQ(listed_names(http, "tag=" + red + "&tag=" + blue), sorted({both}));
}

TEST_F(ListApis, EnabledFilter) {
    auto http = client();
    const std::string tag = unique_tag();
    json::object on = tagged_api({tag}, "on");
    json::object off = tagged_api({tag}, "off");
    off["enabled"] = false;
    const auto on_name = name_of(must_create_api(http, on));
    const auto off_name = name_of(must_create_api(http, off));

    EXPECT_EQ(listed_names(http, "tag=" + tag + "&enabled=true"), sorted({on_name}));
    EXPECT_EQ(listed_names(http, "tag=" + tag + "&enabled=false"), sorted({off_name}));
    EXPECT_EQ(listed_names(http, "tag=" + tag), sorted({on_name, off_name}));
}

TEST_F(ListApis, RejectsEnabledThatIsNotABoolean) {
    auto http = client();
    EXPECT_TRUE(IsValidationError(list_apis(http, "enabled=maybe"), {"query", "enabled"}));
}

TEST_F(ListApis, TamperedCursorIsAClientError) {
    auto http = client();
    const std::string tag = unique_tag();
    create_tagged(http, tag, 2);
    const Response first = list_apis(http, "limit=1&tag=" + tag);
    ASSERT_TRUE(HasStatus(first, 200));
    ASSERT_TRUE(first.json().at("next_cursor").is_string()) << first.body;
    const std::string cursor(first.json().at("next_cursor").as_string());

    std::string flipped = cursor;
    char& middle = flipped[flipped.size() / 2];
    middle = middle == 'A' ? 'B' : 'A';
    const std::vector<std::string> tampered{
        flipped, cursor.substr(0, cursor.size() / 2), cursor + "x", "garbage", "!!!", "%00"};
    for (const auto& bad : tampered) {
        const Response response = list_apis(http, "tag=" + tag + "&cursor=" + query_escape(bad));
        EXPECT_TRUE(response.status == 400 || response.status == 422)
            << "cursor " << bad << ": " << ::testing::PrintToString(response);
        EXPECT_TRUE(response.json().as_object().contains("detail")) << response.body;
    }
}

class ListRejectsLimit : public SharedServerTest,
                         public ::testing::WithParamInterface<const char*> {};

TEST_P(ListRejectsLimit, WithAValidationErrorAtTheQueryParameter) {
    auto http = client();
    EXPECT_TRUE(
        IsValidationError(list_apis(http, std::string("limit=") + GetParam()), {"query", "limit"}));
}

INSTANTIATE_TEST_SUITE_P(Bounds, ListRejectsLimit,
                         ::testing::Values("0", "1001", "-1", "abc", "2.5"));

class ListAcceptsLimit : public SharedServerTest,
                         public ::testing::WithParamInterface<const char*> {};

TEST_P(ListAcceptsLimit, AndReturnsAtMostThatMany) {
    auto http = client();
    const Response response = list_apis(http, std::string("limit=") + GetParam());
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_LE(response.json().at("data").as_array().size(), std::stoul(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Bounds, ListAcceptsLimit, ::testing::Values("1", "1000"));

// Without filters the list holds every API, so these tests own their server.
TEST(ListEveryApi, PagesThroughAllOfThemOnceInOrder) {
    ServerProcess server;
    HttpClient http(server.port());
    std::vector<json::object> created;
    created.reserve(25);
    for (int i = 0; i < 25; ++i)
        created.push_back(must_create_api(http, minimal_api(unique_name())));

    const Listing paged = list_all_pages(http, {}, 7);
    ASSERT_EQ(paged.error, "");
    EXPECT_EQ(ids_of(paged.items), ids_in_list_order(created));

    const Response whole = list_apis(http, "limit=1000");
    ASSERT_TRUE(HasStatus(whole, 200));
    EXPECT_EQ(whole.json().at("data").as_array().size(), 25u);
    EXPECT_TRUE(whole.json().at("next_cursor").is_null());
    expect_clean_exit(server);
}

TEST(ListEveryApi, IsEmptyOnAFreshServer) {
    ServerProcess server;
    HttpClient http(server.port());
    const Response response = list_apis(http);
    ASSERT_TRUE(HasStatus(response, 200));
    EXPECT_EQ(response.json(), (json::object{{"data", json::array{}}, {"next_cursor", nullptr}}));
    expect_clean_exit(server);
}

}  // namespace
}  // namespace gateway::test
