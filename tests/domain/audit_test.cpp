#include "domain/audit.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/cursor.hpp"

namespace gateway::domain {
namespace {

ApiSpec audited_spec() {
    ApiSpec spec;
    spec.name = "orders";
    spec.base_path = "/orders";
    spec.upstream_url = "http://127.0.0.1:9000";
    return spec;
}

Api audited_api(std::int64_t revision, ApiSpec spec) {
    Api api;
    api.id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    api.spec = std::move(spec);
    api.revision = revision;
    return api;
}

TEST(ChangedFields, NameEveryWritableFieldThatDiffersInTheContractsOrder) {
    const ApiSpec before = audited_spec();
    ApiSpec after = before;
    after.tags = {"new"};
    after.enabled = false;
    after.rate_limit_per_minute = 10;
    after.name = "orders2";
    EXPECT_EQ(changed_fields(&before, &after),
              (std::vector<std::string>{"name", "enabled", "rate_limit_per_minute", "tags"}));
}

TEST(ChangedFields, AreNoneForTheSameFields) {
    const ApiSpec spec = audited_spec();
    EXPECT_TRUE(changed_fields(&spec, &spec).empty());
}

TEST(ChangedFields, AreEveryWritableFieldForACreateOrADelete) {
    const ApiSpec spec = audited_spec();
    const std::vector<std::string> all(std::begin(kWritableFields), std::end(kWritableFields));
    EXPECT_EQ(changed_fields(nullptr, &spec), all);
    EXPECT_EQ(changed_fields(&spec, nullptr), all);
    EXPECT_EQ(all.size(), 11u);
}

TEST(AuditRecordOf, CarriesRevisionsNameAndOrigin) {
    const Api before = audited_api(2, audited_spec());
    ApiSpec changed = audited_spec();
    changed.timeout_ms = 5;
    const Api after = audited_api(3, changed);
    const ChangeOrigin origin{"deployer", "127.0.0.1", "req-1"};
    const auto record = audit_record_of(AuditAction::patch, &before, &after, 42, origin);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->action, AuditAction::patch);
    EXPECT_EQ(record->origin, origin);
    EXPECT_EQ(record->at, 42);
    EXPECT_EQ(record->api_id, before.id);
    EXPECT_EQ(record->api_name, "orders");
    EXPECT_EQ(record->revision_before, 2);
    EXPECT_EQ(record->revision_after, 3);
    EXPECT_EQ(record->changed_fields, (std::vector<std::string>{"timeout_ms"}));

    const auto removed = audit_record_of(AuditAction::remove, &after, nullptr, 43, origin);
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->revision_before, 3);
    EXPECT_FALSE(removed->revision_after);
}

TEST(AuditRecordOf, IsNoneWhenTheRevisionStayed) {
    const Api api = audited_api(4, audited_spec());
    EXPECT_FALSE(audit_record_of(AuditAction::replace, &api, &api, 1, {}));
}

TEST(AuditJson, HasEveryFieldOfTheRecord) {
    AuditRecord record;
    record.id = 7;
    record.at = 0;
    record.origin = {"anonymous", "127.0.0.1", "r\"1"};
    record.action = AuditAction::remove;
    record.api_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    record.api_name = "orders";
    record.revision_before = 3;
    record.changed_fields = {"name"};
    std::string out;
    append_audit_json(out, record);
    const auto json = boost::json::parse(out).as_object();
    EXPECT_EQ(json.at("id").as_int64(), 7);
    EXPECT_EQ(json.at("at").as_string(), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(json.at("request_id").as_string(), "r\"1");
    EXPECT_EQ(json.at("action").as_string(), "delete");
    EXPECT_EQ(json.at("revision_before").as_int64(), 3);
    EXPECT_TRUE(json.at("revision_after").is_null());
    EXPECT_EQ(json.at("changed_fields").as_array().size(), 1u);
    EXPECT_EQ(json.size(), 11u);
}

TEST(AuditCursor, RoundTrips) {
    for (const std::int64_t id :
         {std::int64_t{1}, std::int64_t{42}, std::int64_t{9'223'372'036'854'775'807}}) {
        EXPECT_EQ(decode_audit_cursor(encode_audit_cursor(id)), id);
    }
}

TEST(AuditCursor, RefusesWhatItDidNotMake) {
    EXPECT_FALSE(decode_audit_cursor(""));
    EXPECT_FALSE(decode_audit_cursor("garbage!"));
    EXPECT_FALSE(decode_audit_cursor(encode_audit_cursor(5) + "AA"));
    EXPECT_FALSE(
        decode_audit_cursor(encode_cursor(Cursor{5, "0f8fad5b-d9cb-469f-a165-70867728950e"})))
        << "an API list cursor is not an audit cursor";
    EXPECT_FALSE(decode_audit_cursor(std::string(100, 'A')));
}

}  // namespace
}  // namespace gateway::domain
