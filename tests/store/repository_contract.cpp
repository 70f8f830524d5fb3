#include "repository_contract.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "domain/ids.hpp"
#include "run_sync.hpp"
#include "support/api_specs.hpp"

namespace gateway::testing {

namespace {

using domain::ApiPtr;
using domain::ApiSpec;
using domain::Precondition;
using store::StoreErrc;
using test::patch_of;
using test::spec_named;

// The contract's list order: created_at, then id. APIs created within one millisecond
// are therefore not in creation order, so tests sort what they created the same way.
std::vector<std::string> in_list_order(std::vector<ApiPtr> apis) {
    std::sort(apis.begin(), apis.end(), [](const ApiPtr& a, const ApiPtr& b) {
        return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
    });
    std::vector<std::string> names;
    for (const auto& api : apis) names.push_back(api->spec.name);
    return names;
}

}  // namespace

#define REPO_CALL(expr) run_sync(io_, repository_->expr)

TEST_P(RepositoryContract, CreateAssignsIdRevisionAndTimestamps) {
    auto created = REPO_CALL(create(spec_named("alpha"), test::test_origin()));
    ASSERT_TRUE(created);
    const auto& api = **created;
    EXPECT_TRUE(domain::looks_like_uuid(api.id));
    EXPECT_EQ(api.revision, 1);
    EXPECT_GT(api.created_at, 0);
    EXPECT_EQ(api.created_at, api.updated_at);
    EXPECT_EQ(api.spec, spec_named("alpha"));
}

TEST_P(RepositoryContract, FindsByIdAndByNameIgnoringCase) {
    auto created = REPO_CALL(create(spec_named("Billing"), test::test_origin()));
    ASSERT_TRUE(created);
    const std::string id = (*created)->id;
    for (const std::string& ref :
         {id, std::string("Billing"), std::string("billing"), std::string("BILLING")}) {
        auto found = REPO_CALL(find(ref));
        ASSERT_TRUE(found) << ref;
        EXPECT_EQ((*found)->id, id) << ref;
    }
}

TEST_P(RepositoryContract, FindUnknownIsNotFound) {
    auto found = REPO_CALL(find("nobody"));
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, StoreErrc::not_found);
    auto by_id = REPO_CALL(find(domain::new_api_id()));
    ASSERT_FALSE(by_id);
    EXPECT_EQ(by_id.error().code, StoreErrc::not_found);
}

TEST_P(RepositoryContract, DuplicateNameIgnoringCaseIsConflict) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("orders"), test::test_origin())));
    auto again = spec_named("ORDERS");
    again.base_path = "/elsewhere";
    auto duplicate = REPO_CALL(create(again, test::test_origin()));
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, StoreErrc::conflict);
}

TEST_P(RepositoryContract, DuplicateBasePathIsConflict) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("one"), test::test_origin())));
    auto other = spec_named("two");
    other.base_path = "/one";
    auto duplicate = REPO_CALL(create(other, test::test_origin()));
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, StoreErrc::conflict);
}

TEST_P(RepositoryContract, ReplaceBumpsRevisionAndKeepsCreatedAt) {
    auto created = REPO_CALL(create(spec_named("svc"), test::test_origin()));
    ASSERT_TRUE(created);
    auto changed = spec_named("svc");
    changed.description = "new";
    auto replaced = REPO_CALL(replace("svc", changed, Precondition::none(), test::test_origin()));
    ASSERT_TRUE(replaced);
    EXPECT_EQ((*replaced)->revision, 2);
    EXPECT_EQ((*replaced)->created_at, (*created)->created_at);
    EXPECT_GE((*replaced)->updated_at, (*created)->updated_at);
    EXPECT_EQ((*replaced)->spec.description, "new");
}

TEST_P(RepositoryContract, ReplaceWithSameFieldsKeepsRevision) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("same"), test::test_origin())));
    auto replaced =
        REPO_CALL(replace("same", spec_named("same"), Precondition::none(), test::test_origin()));
    ASSERT_TRUE(replaced);
    EXPECT_EQ((*replaced)->revision, 1);
}

TEST_P(RepositoryContract, ReplaceMayChangeCaseOfOwnName) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("casey"), test::test_origin())));
    auto renamed = spec_named("casey");
    renamed.name = "Casey";
    auto replaced = REPO_CALL(replace("casey", renamed, Precondition::none(), test::test_origin()));
    ASSERT_TRUE(replaced);
    EXPECT_EQ((*replaced)->spec.name, "Casey");
}

TEST_P(RepositoryContract, ReplaceIntoAnotherApisNameIsConflict) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("first"), test::test_origin())));
    ASSERT_TRUE(REPO_CALL(create(spec_named("second"), test::test_origin())));
    auto clash = spec_named("second");
    clash.name = "FIRST";
    auto replaced = REPO_CALL(replace("second", clash, Precondition::none(), test::test_origin()));
    ASSERT_FALSE(replaced);
    EXPECT_EQ(replaced.error().code, StoreErrc::conflict);
}

TEST_P(RepositoryContract, StalePreconditionIsRejectedOnEveryWrite) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("guarded"), test::test_origin())));
    auto changed = spec_named("guarded");
    changed.enabled = false;
    auto replaced =
        REPO_CALL(replace("guarded", changed, Precondition::revision(7), test::test_origin()));
    ASSERT_FALSE(replaced);
    EXPECT_EQ(replaced.error().code, StoreErrc::precondition_failed);
    auto patched = REPO_CALL(patch("guarded", patch_of(R"({"enabled":false})"),
                                   Precondition::revision(2), test::test_origin()));
    ASSERT_FALSE(patched);
    EXPECT_EQ(patched.error().code, StoreErrc::precondition_failed);
    auto removed = REPO_CALL(remove("guarded", Precondition::revision(0), test::test_origin()));
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, StoreErrc::precondition_failed);
    EXPECT_TRUE(REPO_CALL(find("guarded")));
}

TEST_P(RepositoryContract, MatchingPreconditionAdmitsTheWrite) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("matched"), test::test_origin())));
    auto patched = REPO_CALL(patch("matched", patch_of(R"({"timeout_ms":5})"),
                                   Precondition::revision(1), test::test_origin()));
    ASSERT_TRUE(patched);
    EXPECT_EQ((*patched)->revision, 2);
    EXPECT_EQ((*patched)->spec.timeout_ms, 5);
}

TEST_P(RepositoryContract, PatchMergesAndNullRestoresDefault) {
    auto spec = spec_named("patched");
    spec.description = "old";
    spec.rate_limit_per_minute = 10;
    ASSERT_TRUE(REPO_CALL(create(spec, test::test_origin())));
    auto patched = REPO_CALL(patch(
        "patched", patch_of(R"({"description":null,"rate_limit_per_minute":null,"tags":["x"]})"),
        Precondition::none(), test::test_origin()));
    ASSERT_TRUE(patched);
    EXPECT_EQ((*patched)->spec.description, "");
    EXPECT_FALSE((*patched)->spec.rate_limit_per_minute.has_value());
    EXPECT_EQ((*patched)->spec.tags, std::vector<std::string>{"x"});
    EXPECT_EQ((*patched)->spec.upstream_url, spec.upstream_url);
}

TEST_P(RepositoryContract, PatchResultIsValidatedAsAWhole) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("whole"), test::test_origin())));
    auto patched = REPO_CALL(patch("whole", patch_of(R"({"name":null,"timeout_ms":0})"),
                                   Precondition::none(), test::test_origin()));
    ASSERT_FALSE(patched);
    EXPECT_EQ(patched.error().code, StoreErrc::invalid);
    EXPECT_EQ(patched.error().field_errors.size(), 2u);
    auto unchanged = REPO_CALL(find("whole"));
    ASSERT_TRUE(unchanged);
    EXPECT_EQ((*unchanged)->revision, 1);
}

TEST_P(RepositoryContract, RenameFreesTheOldNameAndPath) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("before"), test::test_origin())));
    ASSERT_TRUE(REPO_CALL(patch("before", patch_of(R"({"name":"after","base_path":"/after"})"),
                                Precondition::none(), test::test_origin())));
    EXPECT_TRUE(REPO_CALL(create(spec_named("before"), test::test_origin())));
    EXPECT_FALSE(REPO_CALL(create(spec_named("after"), test::test_origin())));
}

TEST_P(RepositoryContract, RemoveDeletesAndFreesNameAndPath) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("gone"), test::test_origin())));
    ASSERT_TRUE(REPO_CALL(remove("GONE", Precondition::none(), test::test_origin())));
    auto found = REPO_CALL(find("gone"));
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, StoreErrc::not_found);
    auto removed_again = REPO_CALL(remove("gone", Precondition::none(), test::test_origin()));
    ASSERT_FALSE(removed_again);
    EXPECT_EQ(removed_again.error().code, StoreErrc::not_found);
    EXPECT_TRUE(REPO_CALL(create(spec_named("gone"), test::test_origin())));
}

TEST_P(RepositoryContract, PagesVisitEveryApiOnceInListOrder) {
    std::vector<ApiPtr> created;
    for (int i = 0; i < 23; ++i) {
        auto api = REPO_CALL(create(spec_named("page" + std::to_string(i)), test::test_origin()));
        ASSERT_TRUE(api);
        created.push_back(*api);
    }
    std::vector<std::string> seen;
    store::ListQuery query;
    query.limit = 5;
    int pages = 0;
    for (;;) {
        auto page = REPO_CALL(list(query));
        ASSERT_TRUE(page);
        ++pages;
        for (const auto& api : page->items) seen.push_back(api->spec.name);
        if (!page->next) break;
        query.after = page->next;
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 5);
    EXPECT_EQ(seen, in_list_order(created));
}

TEST_P(RepositoryContract, LastFullPageHasNoNextCursor) {
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(
            REPO_CALL(create(spec_named("exact" + std::to_string(i)), test::test_origin())));
    store::ListQuery query;
    query.limit = 4;
    auto page = REPO_CALL(list(query));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->items.size(), 4u);
    EXPECT_FALSE(page->next.has_value());
}

TEST_P(RepositoryContract, PagingContinuesAfterTheCursorRowIsRemoved) {
    std::vector<ApiPtr> created;
    for (int i = 0; i < 6; ++i) {
        auto api = REPO_CALL(create(spec_named("del" + std::to_string(i)), test::test_origin()));
        ASSERT_TRUE(api);
        created.push_back(*api);
    }
    const auto order = in_list_order(created);
    store::ListQuery query;
    query.limit = 3;
    auto first = REPO_CALL(list(query));
    ASSERT_TRUE(first && first->next);
    ASSERT_TRUE(
        REPO_CALL(remove(first->items.back()->id, Precondition::none(), test::test_origin())));
    query.after = first->next;
    auto second = REPO_CALL(list(query));
    ASSERT_TRUE(second);
    ASSERT_EQ(second->items.size(), 3u);
    EXPECT_EQ(second->items.front()->spec.name, order[3]);
}

TEST_P(RepositoryContract, TagFilterRequiresEveryTagAndEnabledFilters) {
    auto a = spec_named("tag-a");
    a.tags = {"public", "v2"};
    auto b = spec_named("tag-b");
    b.tags = {"public"};
    auto c = spec_named("tag-c");
    c.tags = {"public", "v2"};
    c.enabled = false;
    for (const auto& spec : {a, b, c}) ASSERT_TRUE(REPO_CALL(create(spec, test::test_origin())));

    store::ListQuery both;
    both.tags = {"public", "v2"};
    auto tagged = REPO_CALL(list(both));
    ASSERT_TRUE(tagged);
    std::set<std::string> names;
    for (const auto& api : tagged->items) names.insert(api->spec.name);
    EXPECT_EQ(names, (std::set<std::string>{"tag-a", "tag-c"}));

    both.enabled = false;
    auto disabled = REPO_CALL(list(both));
    ASSERT_TRUE(disabled);
    ASSERT_EQ(disabled->items.size(), 1u);
    EXPECT_EQ(disabled->items.front()->spec.name, "tag-c");
}

TEST_P(RepositoryContract, FilteredPagingSkipsNonMatchingRows) {
    std::vector<ApiPtr> even;
    for (int i = 0; i < 10; ++i) {
        auto spec = spec_named("mix" + std::to_string(i));
        if (i % 2 == 0) spec.tags = {"even"};
        auto api = REPO_CALL(create(spec, test::test_origin()));
        ASSERT_TRUE(api);
        if (i % 2 == 0) even.push_back(*api);
    }
    store::ListQuery query;
    query.tags = {"even"};
    query.limit = 2;
    std::vector<std::string> names;
    for (int guard = 0; guard < 10; ++guard) {
        auto page = REPO_CALL(list(query));
        ASSERT_TRUE(page);
        for (const auto& api : page->items) names.push_back(api->spec.name);
        if (!page->next) break;
        query.after = page->next;
    }
    EXPECT_EQ(names, in_list_order(even));
}

}  // namespace gateway::testing

namespace gateway::testing {
namespace {

store::IdempotencyKey fresh_key(std::string fingerprint = "fingerprint-1") {
    return {"key-" + domain::new_api_id(), std::move(fingerprint)};
}

store::WriteRequest create_request(const std::string& name) {
    store::WriteRequest write;
    write.kind = store::WriteRequest::Kind::create;
    write.spec = spec_named(name);
    return write;
}

}  // namespace

TEST_P(RepositoryContract, AKeyedCreateRunsOnceAndItsAnswerIsReplayed) {
    const auto key = fresh_key();
    auto first = REPO_CALL(write_once(key, create_request("keyed")));
    ASSERT_TRUE(first) << first.error().detail;
    EXPECT_FALSE(first->replayed);
    EXPECT_EQ(first->outcome.status, 201u);
    EXPECT_EQ(first->outcome.revision, 1);
    auto again = REPO_CALL(write_once(key, create_request("keyed")));
    ASSERT_TRUE(again) << again.error().detail;
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->outcome.status, 201u);
    EXPECT_EQ(again->outcome.api_id, first->outcome.api_id);
    EXPECT_EQ(again->outcome.body, first->outcome.body);
    auto page = REPO_CALL(list(store::ListQuery{}));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->items.size(), 1u);
}

TEST_P(RepositoryContract, AKeyUsedForAnotherRequestIsRefused) {
    const auto key = fresh_key("fingerprint-1");
    ASSERT_TRUE(REPO_CALL(write_once(key, create_request("first"))));
    auto other = REPO_CALL(write_once({key.key, "fingerprint-2"}, create_request("second")));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, StoreErrc::key_reused);
    EXPECT_EQ(REPO_CALL(find("second")).error().code, StoreErrc::not_found);
}

TEST_P(RepositoryContract, AKeyedWriteThatFailsLeavesNoTraceOfItsKey) {
    const auto key = fresh_key();
    store::WriteRequest replace;
    replace.kind = store::WriteRequest::Kind::replace;
    replace.ref = "later";
    replace.spec = spec_named("later");
    auto missing = REPO_CALL(write_once(key, replace));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, StoreErrc::not_found);
    ASSERT_TRUE(REPO_CALL(create(spec_named("later"), test::test_origin())));
    // The retry runs: the first attempt changed nothing.
    auto retried = REPO_CALL(write_once(key, replace));
    ASSERT_TRUE(retried) << retried.error().detail;
    EXPECT_FALSE(retried->replayed);
    EXPECT_EQ(retried->outcome.status, 200u);
}

TEST_P(RepositoryContract, AKeyedPatchAndDeleteApplyOnce) {
    ASSERT_TRUE(REPO_CALL(create(spec_named("twice"), test::test_origin())));
    const auto patch_key = fresh_key();
    store::WriteRequest patch;
    patch.kind = store::WriteRequest::Kind::patch;
    patch.ref = "twice";
    patch.merge_patch = patch_of(R"({"tags": ["a"]})");
    for (int round = 0; round < 2; ++round) {
        auto patched = REPO_CALL(write_once(patch_key, patch));
        ASSERT_TRUE(patched) << patched.error().detail;
        EXPECT_EQ(patched->outcome.revision, 2) << "round " << round;
        EXPECT_EQ(patched->replayed, round == 1);
    }
    EXPECT_EQ((*REPO_CALL(find("twice")))->revision, 2);

    const auto delete_key = fresh_key();
    store::WriteRequest remove;
    remove.kind = store::WriteRequest::Kind::remove;
    remove.ref = "twice";
    for (int round = 0; round < 2; ++round) {
        auto removed = REPO_CALL(write_once(delete_key, remove));
        ASSERT_TRUE(removed) << removed.error().detail;
        EXPECT_EQ(removed->outcome.status, 204u) << "round " << round;
        EXPECT_EQ(removed->replayed, round == 1);
    }
}

}  // namespace gateway::testing

#undef REPO_CALL
