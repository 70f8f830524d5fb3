#include "store/audit_trail.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/memory_store.hpp"
#include "support/api_specs.hpp"

namespace gateway::testing {
namespace {

constexpr domain::Millis kDay = 24LL * 3600 * 1000;

domain::AuditRecord trail_record(std::string api_name, domain::Millis at) {
    domain::AuditRecord record;
    record.at = at;
    record.api_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    record.api_name = std::move(api_name);
    return record;
}

std::vector<std::int64_t> ids_of(const store::AuditPage& page) {
    std::vector<std::int64_t> ids;
    for (const auto& record : page.items) ids.push_back(record.id);
    return ids;
}

TEST(AuditTrail, PagesNewestFirstAndEndsWithoutACursor) {
    store::AuditTrail trail({std::chrono::days(90), 100});
    for (int i = 0; i < 5; ++i) trail.append(trail_record("a", 1000 + i), 2000);
    store::AuditQuery query;
    query.limit = 2;
    std::vector<std::int64_t> walked;
    for (int pages = 0; pages < 10; ++pages) {
        const auto page = trail.page(query, 2000);
        for (const auto id : ids_of(page)) walked.push_back(id);
        if (!page.next) break;
        query.before_id = page.next;
    }
    EXPECT_EQ(walked, (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
}

TEST(AuditTrail, FiltersByIdOrByNameInAnyCase) {
    store::AuditTrail trail({std::chrono::days(90), 100});
    trail.append(trail_record("Orders", 1), 1);
    auto other = trail_record("billing", 2);
    other.api_id = "1f8fad5b-d9cb-469f-a165-70867728950e";
    trail.append(other, 2);
    store::AuditQuery query;
    query.api = "ORDERS";
    EXPECT_EQ(ids_of(trail.page(query, 3)), (std::vector<std::int64_t>{1}));
    query.api = "1F8FAD5B-D9CB-469F-A165-70867728950E";
    EXPECT_EQ(ids_of(trail.page(query, 3)), (std::vector<std::int64_t>{2}));
}

TEST(AuditTrail, DropsRecordsPastTheRetention) {
    store::AuditTrail trail({std::chrono::days(1), 100});
    trail.append(trail_record("a", 0), 0);
    trail.append(trail_record("a", kDay), kDay);
    // Not shown once past the retention, even before a write drops it.
    EXPECT_EQ(ids_of(trail.page({}, kDay + 1)), (std::vector<std::int64_t>{2}));
    EXPECT_EQ(trail.size(), 2u);
    trail.append(trail_record("a", kDay + 2), kDay + 2);
    EXPECT_EQ(trail.size(), 2u);
    EXPECT_EQ(ids_of(trail.page({}, kDay + 2)), (std::vector<std::int64_t>{3, 2}));
}

TEST(AuditTrail, KeepsAtMostItsMaximumDroppingTheOldest) {
    store::AuditTrail trail({std::chrono::days(90), 3});
    for (int i = 0; i < 10; ++i) trail.append(trail_record("a", 5), 5);
    EXPECT_EQ(trail.size(), 3u);
    EXPECT_EQ(ids_of(trail.page({}, 5)), (std::vector<std::int64_t>{10, 9, 8}));
}

TEST(MemoryStoreAudit, RecordsEveryChangeWithItsOriginAndNothingForRefusals) {
    store::MemoryStore memory;
    memory.keep_audit_trail({});
    const auto origin = test::test_origin();
    auto created = memory.create_now(test::spec_named("kept"), origin);
    ASSERT_TRUE(created);
    EXPECT_FALSE(memory.create_now(test::spec_named("kept"), origin));  // 409
    auto patched = memory.patch_now("kept", test::patch_of(R"({"enabled":false})"),
                                    domain::Precondition::none(), origin);
    ASSERT_TRUE(patched);
    EXPECT_FALSE(memory.remove_now("kept", domain::Precondition::revision(9), origin));  // 412
    EXPECT_TRUE(memory.replace_now("kept", (*patched)->spec, domain::Precondition::none(),
                                   origin));  // no change
    ASSERT_TRUE(memory.remove_now("kept", domain::Precondition::none(), origin));

    const auto page = memory.audit_now({});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->items.size(), 3u);
    EXPECT_EQ(page->items[0].action, domain::AuditAction::remove);
    EXPECT_EQ(page->items[1].action, domain::AuditAction::patch);
    EXPECT_EQ(page->items[1].changed_fields, (std::vector<std::string>{"enabled"}));
    EXPECT_EQ(page->items[2].action, domain::AuditAction::create);
    for (const auto& record : page->items) EXPECT_EQ(record.origin, origin);
}

TEST(MemoryStoreAudit, AMirrorKeepsNoTrail) {
    store::MemoryStore mirror;
    ASSERT_TRUE(mirror.create_now(test::spec_named("mirrored"), test::test_origin()));
    const auto page = mirror.audit_now({});
    ASSERT_TRUE(page);
    EXPECT_TRUE(page->items.empty());
}

}  // namespace
}  // namespace gateway::testing
