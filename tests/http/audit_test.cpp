// The audit trail on the wire: every change (create, patch, replace, delete) recorded
// with who made it, from where and under which request id; GET /audit newest first,
// paged and filtered; refused writes and idempotent retries recording nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "support/api_samples.hpp"
#include "support/http_client.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

using AuditTrail = SharedServerTest;

std::string audit_api_body(const std::string& name) {
    return R"({"name":")" + name + R"(","base_path":"/)" + name +
           R"(","upstream_url":"http://127.0.0.1:9000"})";
}

// Every record GET /audit has for `api`, newest first, walking the pages `limit` at a time.
std::vector<json::object> audit_of(HttpClient& http, const std::string& api, int limit = 100) {
    std::vector<json::object> records;
    std::string target = "/audit?limit=" + std::to_string(limit) + "&api=" + api;
    for (int page = 0; page < 100; ++page) {
        const Response response = http.request("GET", target);
        if (response.status != 200) throw std::runtime_error("GET /audit: " + response.body);
        const json::object body = response.json().as_object();
        for (const auto& record : body.at("data").as_array()) records.push_back(record.as_object());
        if (body.at("next_cursor").is_null()) return records;
        target = "/audit?limit=" + std::to_string(limit) + "&api=" + api +
                 "&cursor=" + std::string(body.at("next_cursor").as_string());
    }
    throw std::runtime_error("GET /audit did not end");
}

std::vector<std::string> strings_of(const json::value& array) {
    std::vector<std::string> out;
    for (const auto& item : array.as_array()) out.emplace_back(item.as_string());
    return out;
}

TEST_F(AuditTrail, EveryChangeIsRecordedNewestFirstWithItsOrigin) {
    auto http = client();
    const std::string name = unique_name("audited");
    const Response created =
        http.request("POST", "/apis", audit_api_body(name), {{"X-Request-ID", "audit-create-1"}});
    ASSERT_TRUE(HasStatus(created, 201));
    const std::string id(created.json().at("id").as_string());
    ASSERT_TRUE(HasStatus(http.request("PATCH", "/apis/" + id, R"({"timeout_ms":1234})",
                                       {{"X-Request-ID", "audit-patch-2"}}),
                          200));
    json::object replacement = json::parse(audit_api_body(name)).as_object();
    replacement["description"] = "replaced";
    ASSERT_TRUE(HasStatus(http.request("PUT", "/apis/" + id, json::serialize(replacement),
                                       {{"X-Request-ID", "audit-replace-3"}}),
                          200));
    ASSERT_TRUE(HasStatus(
        http.request("DELETE", "/apis/" + id, "", {{"X-Request-ID", "audit-delete-4"}}), 204));

    const auto records = audit_of(http, id);
    ASSERT_EQ(records.size(), 4u);
    const std::vector<std::string> actions = {"delete", "replace", "patch", "create"};
    const std::vector<std::string> request_ids = {"audit-delete-4", "audit-replace-3",
                                                  "audit-patch-2", "audit-create-1"};
    for (std::size_t i = 0; i < records.size(); ++i) {
        const json::object& record = records[i];
        EXPECT_EQ(record.at("action").as_string(), actions[i]);
        EXPECT_EQ(record.at("request_id").as_string(), request_ids[i]);
        EXPECT_EQ(record.at("actor").as_string(), "anonymous");
        EXPECT_EQ(record.at("client_address").as_string(), "127.0.0.1");
        EXPECT_EQ(record.at("api_id").as_string(), id);
        EXPECT_EQ(record.at("api_name").as_string(), name);
        EXPECT_TRUE(is_utc_millis_timestamp(record.at("at").as_string()));
        if (i > 0) {
            EXPECT_LT(record.at("id").as_int64(), records[i - 1].at("id").as_int64());
        }
    }
    // delete: 3 -> null; replace: 2 -> 3; patch: 1 -> 2; create: null -> 1.
    EXPECT_EQ(records[0].at("revision_before").as_int64(), 3);
    EXPECT_TRUE(records[0].at("revision_after").is_null());
    EXPECT_EQ(records[1].at("revision_before").as_int64(), 2);
    EXPECT_EQ(records[1].at("revision_after").as_int64(), 3);
    EXPECT_EQ(records[2].at("revision_before").as_int64(), 1);
    EXPECT_EQ(records[2].at("revision_after").as_int64(), 2);
    EXPECT_TRUE(records[3].at("revision_before").is_null());
    EXPECT_EQ(records[3].at("revision_after").as_int64(), 1);
    // The replace restored the timeout the patch had changed, and set the description.
    EXPECT_EQ(strings_of(records[1].at("changed_fields")),
              (std::vector<std::string>{"description", "timeout_ms"}));
    EXPECT_EQ(strings_of(records[2].at("changed_fields")),
              (std::vector<std::string>{"timeout_ms"}));
    EXPECT_EQ(records[3].at("changed_fields").as_array().size(), 11u);
    EXPECT_EQ(records[0].at("changed_fields").as_array().size(), 11u);
}

TEST_F(AuditTrail, PagesOfOneWalkEveryRecordAndTheNameFiltersToo) {
    auto http = client();
    const std::string name = unique_name("paged");
    const Response created = http.request("POST", "/apis", audit_api_body(name));
    ASSERT_TRUE(HasStatus(created, 201));
    const std::string id(created.json().at("id").as_string());
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(HasStatus(
            http.request("PATCH", "/apis/" + id, R"({"timeout_ms":)" + std::to_string(i) + "}"),
            200));
    }
    const auto one_by_one = audit_of(http, id, 1);
    const auto all_at_once = audit_of(http, id);
    ASSERT_EQ(all_at_once.size(), 4u);
    EXPECT_EQ(one_by_one, all_at_once);
    EXPECT_EQ(audit_of(http, name), all_at_once) << "the name filters as the id does";
}

TEST_F(AuditTrail, RefusedWritesRecordNothing) {
    auto http = client();
    const std::string name = unique_name("refused");
    const Response created = http.request("POST", "/apis", audit_api_body(name));
    ASSERT_TRUE(HasStatus(created, 201));
    const std::string id(created.json().at("id").as_string());

    EXPECT_TRUE(HasStatus(http.request("PATCH", "/apis/" + id, R"({"timeout_ms":0})"), 422));
    EXPECT_TRUE(HasStatus(http.request("POST", "/apis", audit_api_body(name)), 409));
    EXPECT_TRUE(HasStatus(http.request("DELETE", "/apis/" + id, "", {{"If-Match", "\"7\""}}), 412));
    // Writing what is there is no change.
    EXPECT_TRUE(HasStatus(http.request("PUT", "/apis/" + id, audit_api_body(name)), 200));

    const auto records = audit_of(http, id);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].at("action").as_string(), "create");
    EXPECT_EQ(audit_of(http, name).size(), 1u);
}

TEST_F(AuditTrail, AnIdempotentRetryRecordsOnce) {
    auto http = client();
    const std::string name = unique_name("keyed");
    const Headers keyed{{"Idempotency-Key", "audit-" + name}};
    const Response first = http.request("POST", "/apis", audit_api_body(name), keyed);
    ASSERT_TRUE(HasStatus(first, 201));
    const Response retry = http.request("POST", "/apis", audit_api_body(name), keyed);
    ASSERT_TRUE(HasStatus(retry, 201));
    EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
    const auto records = audit_of(http, std::string(first.json().at("id").as_string()));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].at("action").as_string(), "create");
}

TEST_F(AuditTrail, BadParametersAre422) {
    auto http = client();
    EXPECT_TRUE(IsValidationError(http.request("GET", "/audit?limit=0"), {"query", "limit"}));
    EXPECT_TRUE(IsValidationError(http.request("GET", "/audit?limit=1001"), {"query", "limit"}));
    EXPECT_TRUE(
        IsValidationError(http.request("GET", "/audit?cursor=bm9wZQ"), {"query", "cursor"}));
    EXPECT_TRUE(IsValidationError(http.request("GET", "/audit?api="), {"query", "api"}));
    const Response listed = http.request("GET", "/audit?limit=1");
    ASSERT_TRUE(HasStatus(listed, 200));
    EXPECT_LE(listed.json().at("data").as_array().size(), 1u);
}

TEST_F(AuditTrail, OnlyGetIsAllowed) {
    auto http = client();
    const Response response = http.request("POST", "/audit", "{}");
    EXPECT_TRUE(IsDetailError(response, 405));
}

}  // namespace
}  // namespace gateway::test
