// Import plans: what is created, replaced, deleted or left alone, in an order the instance
// accepts, and plans refused before any request when the instance would refuse a step.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/import_plan.hpp"

namespace gateway::cli {
namespace {

domain::ApiSpec planned_spec(const std::string& name, const std::string& base_path = {}) {
    domain::ApiSpec spec;
    spec.name = name;
    spec.base_path = base_path.empty() ? "/" + name : base_path;
    spec.upstream_url = "http://127.0.0.1:9000/" + domain::name_key(name);
    return spec;
}

ListedApi listed(const domain::ApiSpec& spec, const std::string& id, std::int64_t revision = 1) {
    ListedApi api;
    api.id = id;
    api.revision = revision;
    api.spec = spec;
    return api;
}

std::vector<std::string> step_lines(const ImportPlan& plan) {
    std::vector<std::string> lines;
    for (const auto& step : plan.steps) lines.push_back(describe_step(step));
    return lines;
}

TEST(ImportPlan, CreatesWhatTheInstanceLacks) {
    const auto plan = plan_import({planned_spec("billing"), planned_spec("orders")}, {}, false);
    ASSERT_TRUE(plan);
    EXPECT_EQ(step_lines(*plan), (std::vector<std::string>{"create  billing", "create  orders"}));
    EXPECT_EQ(plan_summary(*plan), "2 to create, 0 to update, 0 to delete, 0 unchanged");
}

TEST(ImportPlan, LeavesEqualApisAloneWhateverTheirServerFields) {
    const auto spec = planned_spec("billing");
    const auto plan = plan_import({spec}, {listed(spec, "id-1", 7)}, true);
    ASSERT_TRUE(plan);
    EXPECT_TRUE(plan->steps.empty());
    EXPECT_EQ(plan->unchanged, 1U);
}

TEST(ImportPlan, ReplacesADifferingApiByIdUnderItsListedRevision) {
    auto wanted = planned_spec("billing");
    wanted.tags = {"payments"};
    wanted.rate_limit_per_minute = 60;
    const auto plan = plan_import({wanted}, {listed(planned_spec("billing"), "id-1", 4)}, false);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->steps.size(), 1U);
    const PlanStep& step = plan->steps[0];
    EXPECT_EQ(step.kind, StepKind::update);
    EXPECT_EQ(step.id, "id-1");
    EXPECT_EQ(step.revision, 4);
    EXPECT_EQ(step.spec, wanted);
    EXPECT_EQ(describe_step(step), "update  billing (rate_limit_per_minute, tags)");
}

TEST(ImportPlan, MatchesNamesCaseInsensitivelyAndRenamesTheCase) {
    const auto plan = plan_import({planned_spec("Billing", "/billing")},
                                  {listed(planned_spec("billing"), "id-1")}, false);
    ASSERT_TRUE(plan);
    EXPECT_EQ(step_lines(*plan), (std::vector<std::string>{"update  Billing (name)"}));
}

TEST(ImportPlan, KeepsApisTheFileDoesNotNameUnlessPruning) {
    const std::vector<ListedApi> current{listed(planned_spec("legacy"), "id-9", 3)};
    const auto kept = plan_import({}, current, false);
    ASSERT_TRUE(kept);
    EXPECT_TRUE(kept->steps.empty());
    EXPECT_EQ(kept->kept, 1U);
    EXPECT_EQ(plan_summary(*kept),
              "0 to create, 0 to update, 0 to delete, 0 unchanged, 1 not in the file, kept "
              "without --prune");

    const auto pruned = plan_import({}, current, true);
    ASSERT_TRUE(pruned);
    ASSERT_EQ(pruned->steps.size(), 1U);
    EXPECT_EQ(pruned->steps[0].kind, StepKind::remove);
    EXPECT_EQ(pruned->steps[0].id, "id-9");
    EXPECT_EQ(pruned->steps[0].revision, 3);
    EXPECT_EQ(describe_step(pruned->steps[0]), "delete  legacy");
}

TEST(ImportPlan, DeletesBeforeTakingTheBasePathADeletionFrees) {
    const auto plan = plan_import({planned_spec("new", "/shared")},
                                  {listed(planned_spec("old", "/shared"), "id-1")}, true);
    ASSERT_TRUE(plan);
    EXPECT_EQ(step_lines(*plan), (std::vector<std::string>{"delete  old", "create  new"}));
}

TEST(ImportPlan, MovesABasePathOnlyAfterItsHolderMovedAway) {
    // "a" takes /b-path, which "b" holds until it moves to /c-path; names sort "a" first.
    const auto plan = plan_import({planned_spec("a", "/b-path"), planned_spec("b", "/c-path")},
                                  {listed(planned_spec("a", "/a-path"), "id-a"),
                                   listed(planned_spec("b", "/b-path"), "id-b")},
                                  false);
    ASSERT_TRUE(plan);
    EXPECT_EQ(step_lines(*plan),
              (std::vector<std::string>{"update  b (base_path)", "update  a (base_path)"}));
}

TEST(ImportPlan, RefusesBasePathsThatMoveRoundInACycle) {
    auto a = planned_spec("a", "/b-path");
    auto b = planned_spec("b", "/a-path");
    const auto plan = plan_import({a, b},
                                  {listed(planned_spec("a", "/a-path"), "id-a"),
                                   listed(planned_spec("b", "/b-path"), "id-b")},
                                  false);
    ASSERT_FALSE(plan);
    ASSERT_EQ(plan.error().size(), 2U);
    EXPECT_NE(plan.error()[0].find("cycle"), std::string::npos) << plan.error()[0];
}

TEST(ImportPlan, RefusesTakingTheBasePathOfAKeptApi) {
    const auto plan = plan_import({planned_spec("new", "/shared")},
                                  {listed(planned_spec("old", "/shared"), "id-1")}, false);
    ASSERT_FALSE(plan);
    ASSERT_EQ(plan.error().size(), 1U);
    EXPECT_EQ(plan.error()[0],
              "new: base_path /shared belongs to old, which the file does not name (--prune "
              "would delete it)");
}

}  // namespace
}  // namespace gateway::cli
