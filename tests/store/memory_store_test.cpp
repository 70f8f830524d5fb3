#include "store/memory_store.hpp"

#include <gtest/gtest.h>

#include "repository_contract.hpp"
#include "support/api_specs.hpp"

namespace gateway::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(MemoryStore, RepositoryContract,
                         ::testing::Values([]() -> std::shared_ptr<store::Repository> {
                             return std::make_shared<store::MemoryStore>();
                         }));

using test::spec_named;

TEST(MemoryStoreStats, CountsEachOperationAndStoredApis) {
    store::MemoryStore memory;
    ASSERT_TRUE(memory.create_now(spec_named("a"), test::test_origin()));
    ASSERT_TRUE(memory.create_now(spec_named("b"), test::test_origin()));
    ASSERT_TRUE(memory.find_now("a"));
    ASSERT_TRUE(memory.list_now({}));
    ASSERT_TRUE(memory.remove_now("b", domain::Precondition::none(), test::test_origin()));
    const auto stats = memory.stats();
    EXPECT_EQ(stats.creates, 2u);
    EXPECT_EQ(stats.finds, 1u);
    EXPECT_EQ(stats.lists, 1u);
    EXPECT_EQ(stats.removes, 1u);
    EXPECT_EQ(stats.apis, 1u);
}

TEST(MemoryStoreClear, EmptiesEveryIndex) {
    store::MemoryStore memory;
    ASSERT_TRUE(memory.create_now(spec_named("a"), test::test_origin()));
    memory.clear();
    EXPECT_EQ(memory.stats().apis, 0u);
    EXPECT_FALSE(memory.find_now("a"));
    EXPECT_TRUE(memory.create_now(spec_named("a"), test::test_origin()));
}

}  // namespace
}  // namespace gateway::testing
