// The export document: the same data always gives the same bytes, and an import document
// is checked entry by entry before anything is sent.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "cli/apis_document.hpp"
#include "domain/api_json.hpp"

namespace gateway::cli {
namespace {

namespace json = boost::json;

ListedApi document_api(const std::string& id, const std::string& name) {
    json::object object = domain::spec_to_json_object([&] {
        domain::ApiSpec spec;
        spec.name = name;
        spec.base_path = "/" + name;
        spec.upstream_url = "http://127.0.0.1:9000";
        spec.tags = {"t1", "t2"};
        return spec;
    }());
    object["id"] = id;
    object["revision"] = 2;
    object["created_at"] = "2026-11-27T07:00:00.123Z";
    auto api = listed_api_from(object);
    EXPECT_TRUE(api) << (api ? "" : api.error());
    return std::move(api).value();
}

TEST(ApisDocument, ListsWritableFieldsSortedByNameWhateverTheListingOrder) {
    const std::string document =
        export_document({document_api("id-2", "orders"), document_api("id-1", "Billing")}, false);
    EXPECT_EQ(document,
              R"({
  "format_version": 1,
  "apis": [
    {
      "name": "Billing",
      "description": "",
      "version": "v1",
      "base_path": "/Billing",
      "upstream_url": "http://127.0.0.1:9000",
      "methods": ["GET"],
      "enabled": true,
      "auth_type": "none",
      "rate_limit_per_minute": null,
      "timeout_ms": 30000,
      "tags": ["t1", "t2"]
    },
    {
      "name": "orders",
      "description": "",
      "version": "v1",
      "base_path": "/orders",
      "upstream_url": "http://127.0.0.1:9000",
      "methods": ["GET"],
      "enabled": true,
      "auth_type": "none",
      "rate_limit_per_minute": null,
      "timeout_ms": 30000,
      "tags": ["t1", "t2"]
    }
  ]
}
)");
    EXPECT_EQ(
        export_document({document_api("id-1", "Billing"), document_api("id-2", "orders")}, false),
        document);
}

TEST(ApisDocument, KeepsServerFieldsWhenAsked) {
    const std::string document = export_document({document_api("id-1", "billing")}, true);
    const auto api = json::parse(document).at("apis").at(0).as_object();
    EXPECT_EQ(api.at("id"), "id-1");
    EXPECT_EQ(api.at("revision"), 2);
    EXPECT_EQ(api.at("created_at"), "2026-11-27T07:00:00.123Z");
}

TEST(ApisDocument, ReadsBackWhatItWrote) {
    const auto listed = document_api("id-1", "billing");
    for (const bool with_server_fields : {false, true}) {
        const auto specs = read_apis_document(export_document({listed}, with_server_fields));
        ASSERT_TRUE(specs) << specs.error().front();
        ASSERT_EQ(specs->size(), 1U);
        EXPECT_EQ(specs->front(), listed.spec);
    }
}

TEST(ApisDocument, GivesDefaultsToOmittedFieldsAndTakesNoFormatVersion) {
    const auto specs = read_apis_document(
        R"({"apis": [{"name": "a", "base_path": "/a", "upstream_url": "http://h", "methods": ["get"]}]})");
    ASSERT_TRUE(specs) << specs.error().front();
    EXPECT_EQ(specs->front().methods, std::vector<std::string>{"GET"});
    EXPECT_EQ(specs->front().timeout_ms, 30000);
}

TEST(ApisDocument, ReportsEveryProblemNamingItsEntry) {
    const auto specs = read_apis_document(R"({"format_version": 2, "api": [], "apis": [
        {"name": "ok", "base_path": "/ok", "upstream_url": "http://h"},
        {"name": "bad", "base_path": "/bad", "colour": "red"},
        "not an object",
        {"name": "OK", "base_path": "/ok", "upstream_url": "http://h"}]})");
    ASSERT_FALSE(specs);
    const std::vector<std::string> expected{
        "unknown member \"api\" (expected format_version and apis)",
        "format_version 2 is not supported (this version reads 1)",
        "apis[1] (bad): upstream_url: Field required; colour: Extra inputs are not permitted",
        "apis[2]: expected an object",
        "apis[3] (OK): the name is also that of apis[0] (names are compared case-insensitively)",
        "apis[3] (OK): base_path /ok is also that of apis[0]"};
    EXPECT_EQ(specs.error(), expected);
}

TEST(ApisDocument, RefusesWhatIsNotADocument) {
    EXPECT_EQ(read_apis_document("{\"apis\": [").error().front().substr(0, 15), "not valid JSON:");
    EXPECT_FALSE(read_apis_document("[]"));
    EXPECT_FALSE(read_apis_document("{}"));
}

}  // namespace
}  // namespace gateway::cli
