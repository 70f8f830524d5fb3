// The mirror's side of MemoryStore: changes from the primary arrive in any order and more
// than once, and the mirror must still end up holding the newest of each.
#include <gtest/gtest.h>

#include "domain/api_json.hpp"
#include "domain/ids.hpp"
#include "store/memory_store.hpp"
#include "support/api_specs.hpp"

namespace gateway::testing {
namespace {

domain::Api api(const std::string& id, const std::string& name, std::int64_t revision,
                domain::Millis created_at = 1'000) {
    domain::Api out;
    out.id = id;
    out.spec.name = name;
    out.spec.base_path = "/" + name;
    out.spec.upstream_url = "https://example.com";
    out.revision = revision;
    out.created_at = created_at;
    out.updated_at = created_at + revision;
    return out;
}

const std::string kId = "11111111-1111-4111-8111-111111111111";
const std::string kOtherId = "22222222-2222-4222-8222-222222222222";

TEST(MemoryStoreMirror, NeverPutsAnOlderRevisionOverANewerOne) {
    store::MemoryStore mirror;
    EXPECT_TRUE(mirror.apply_current(api(kId, "billing", 3)));
    EXPECT_FALSE(mirror.apply_current(api(kId, "billing-old", 2)));
    EXPECT_FALSE(mirror.apply_current(api(kId, "billing-same", 3)));
    auto found = mirror.find_now(kId);
    ASSERT_TRUE(found);
    EXPECT_EQ((*found)->spec.name, "billing");
    EXPECT_EQ((*found)->revision, 3);
    EXPECT_FALSE(mirror.find_now("billing-old"));
    EXPECT_TRUE(mirror.apply_current(api(kId, "billing-new", 4)));
    EXPECT_TRUE(mirror.find_now("billing-new"));
    EXPECT_FALSE(mirror.find_now("billing")) << "the old name no longer leads to it";
}

TEST(MemoryStoreMirror, ARemovedIdNeverComesBack) {
    store::MemoryStore mirror;
    ASSERT_TRUE(mirror.apply_current(api(kId, "billing", 1)));
    EXPECT_TRUE(mirror.apply_removed(kId));
    // A read that fetched the row before the delete arrives after it.
    EXPECT_FALSE(mirror.apply_current(api(kId, "billing", 2)));
    EXPECT_FALSE(mirror.find_now(kId));
    EXPECT_TRUE(mirror.holds(kId, 99)) << "nothing of a removed id is worth fetching";
    EXPECT_FALSE(mirror.apply_removed(kId));
}

TEST(MemoryStoreMirror, ANewerHolderOfANameDropsTheStaleOne) {
    store::MemoryStore mirror;
    ASSERT_TRUE(mirror.apply_current(api(kId, "billing", 1)));
    // On the primary, kId was renamed and kOtherId took "billing"; the rename has not
    // arrived yet.
    ASSERT_TRUE(mirror.apply_current(api(kOtherId, "billing", 1, 2'000)));
    auto by_name = mirror.find_now("billing");
    ASSERT_TRUE(by_name);
    EXPECT_EQ((*by_name)->id, kOtherId);
    EXPECT_FALSE(mirror.find_now(kId)) << "dropped until its own change arrives";
    ASSERT_TRUE(mirror.apply_current(api(kId, "billing-renamed", 2)));
    EXPECT_TRUE(mirror.find_now("billing-renamed"));
    EXPECT_EQ(mirror.size(), 2u);
}

TEST(MemoryStoreMirror, HoldsTellsWhetherAChangeIsAlreadyThere) {
    store::MemoryStore mirror;
    EXPECT_FALSE(mirror.holds(kId, 1));
    ASSERT_TRUE(mirror.apply_current(api(kId, "billing", 2)));
    EXPECT_TRUE(mirror.holds(kId, 1));
    EXPECT_TRUE(mirror.holds(kId, 2));
    EXPECT_FALSE(mirror.holds(kId, 3));
}

TEST(MemoryStoreMirror, AFullLoadDropsWhatThePrimaryLacksButKeepsWhatCameAfterIt) {
    store::MemoryStore mirror;
    ASSERT_TRUE(mirror.apply_current(api(kId, "deleted-meanwhile", 1)));
    const std::uint64_t before_snapshot = mirror.generation();
    // Committed after the load's snapshot, applied by this instance meanwhile.
    ASSERT_TRUE(mirror.apply_current(api(kOtherId, "written-meanwhile", 1)));
    const std::string loaded_id = domain::new_api_id();
    mirror.load({std::make_shared<const domain::Api>(api(loaded_id, "loaded", 5))},
                before_snapshot);
    EXPECT_FALSE(mirror.find_now(kId));
    EXPECT_TRUE(mirror.find_now(kOtherId));
    EXPECT_TRUE(mirror.find_now(loaded_id));
    EXPECT_EQ(mirror.size(), 2u);
}

// A revision applied after the load's snapshot began is newer than the load.
TEST(MemoryStoreMirror, AFullLoadDoesNotRegressARevisionAppliedAfterItBegan) {
    store::MemoryStore mirror;
    const auto before_load = mirror.generation();
    ASSERT_TRUE(mirror.apply_current(api(kId, "billing", 7)));
    mirror.load({std::make_shared<const domain::Api>(api(kId, "billing-older", 6))}, before_load);
    auto found = mirror.find_now(kId);
    ASSERT_TRUE(found);
    EXPECT_EQ((*found)->revision, 7);
}

// What the mirror held before the load began (a snapshot of other history, say) gives
// way to what the primary holds, whatever its revision.
TEST(MemoryStoreMirror, AFullLoadReplacesWhatWasHeldBeforeItBeganEvenAtAHigherRevision) {
    store::MemoryStore mirror;
    ASSERT_TRUE(mirror.apply_current(api(kId, "billing-local", 7)));
    mirror.load({std::make_shared<const domain::Api>(api(kId, "billing", 6))}, mirror.generation());
    auto found = mirror.find_now(kId);
    ASSERT_TRUE(found);
    EXPECT_EQ((*found)->revision, 6);
    EXPECT_EQ((*found)->spec.name, "billing");
}

TEST(MemoryStoreMirror, ServesTheSerialisationOfTheRecordItHolds) {
    store::MemoryStore mirror;
    domain::Api stored = api(kId, "billing", 1);
    stored.spec.description = "quote \" and \\ and \n";
    ASSERT_TRUE(mirror.apply_current(stored));
    auto found = mirror.find_now(kId);
    ASSERT_TRUE(found);
    domain::Api plain = **found;
    plain.json.clear();
    EXPECT_EQ(domain::api_to_json(**found), domain::api_to_json(plain));
    EXPECT_FALSE((*found)->json.empty());
}

TEST(MemoryStoreMirror, RecordsWrittenByTheStoreItselfCarryTheirSerialisation) {
    store::MemoryStore memory;
    domain::ApiSpec spec;
    spec.name = "payments";
    spec.base_path = "/payments";
    spec.upstream_url = "https://example.com";
    auto created = memory.create_now(spec, test::test_origin());
    ASSERT_TRUE(created);
    spec.tags = {"changed"};
    auto replaced =
        memory.replace_now("payments", spec, domain::Precondition::none(), test::test_origin());
    ASSERT_TRUE(replaced);
    domain::Api plain = **replaced;
    plain.json.clear();
    EXPECT_EQ((*replaced)->json, domain::api_to_json(plain));
    EXPECT_NE((*replaced)->json, (*created)->json);
}

}  // namespace
}  // namespace gateway::testing
