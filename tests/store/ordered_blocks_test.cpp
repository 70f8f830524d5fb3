// The memory store's order index against std::set as the reference: the same entries in
// the same order after any mix of inserts and erases, and the same upper bounds.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "store/ordered_blocks.hpp"

namespace gateway::testing {
namespace {

struct Identity {
    int operator()(int value) const { return value; }
};
using Blocks = store::OrderedBlocks<int, Identity>;

std::vector<int> contents(const Blocks& blocks) {
    return {blocks.begin(), blocks.end()};
}

TEST(OrderedBlocks, StartsEmpty) {
    Blocks blocks;
    EXPECT_TRUE(blocks.empty());
    EXPECT_EQ(blocks.begin(), blocks.end());
    EXPECT_EQ(blocks.upper_bound(0), blocks.end());
    EXPECT_FALSE(blocks.erase(1));
}

TEST(OrderedBlocks, KeepsEntriesArrivingInOrderAndRefusesDuplicates) {
    Blocks blocks;
    for (int k = 0; k < 5000; ++k) ASSERT_TRUE(blocks.insert(k));
    EXPECT_FALSE(blocks.insert(2500));
    EXPECT_EQ(blocks.size(), 5000U);
    const auto all = contents(blocks);
    ASSERT_EQ(all.size(), 5000U);
    for (int k = 0; k < 5000; ++k) ASSERT_EQ(all[static_cast<std::size_t>(k)], k);
}

TEST(OrderedBlocks, UpperBoundFindsTheNextEntryAcrossBlocks) {
    Blocks blocks;
    for (int k = 0; k < 3000; k += 2) blocks.insert(k);
    for (int k = -1; k < 3000; ++k) {
        const auto it = blocks.upper_bound(k);
        const int expected = k % 2 == 0 ? k + 2 : k + 1;
        if (expected >= 3000) {
            ASSERT_EQ(it, blocks.end()) << k;
        } else {
            ASSERT_NE(it, blocks.end()) << k;
            ASSERT_EQ(*it, expected) << k;
        }
    }
}

TEST(OrderedBlocks, MatchesASetUnderRandomInsertsAndErases) {
    std::mt19937 random(20261202);  // fixed seed: a failure reproduces
    std::uniform_int_distribution<int> key(0, 20'000);
    Blocks blocks;
    std::set<int> reference;
    for (int step = 0; step < 200'000; ++step) {
        const int k = key(random);
        // Inserts outnumber erases at first, then erases drain most of it, so blocks
        // split and later thin out and merge.
        const bool insert = step < 100'000 ? random() % 3 != 0 : random() % 4 == 0;
        if (insert) {
            ASSERT_EQ(blocks.insert(k), reference.insert(k).second);
        } else {
            ASSERT_EQ(blocks.erase(k), reference.erase(k) == 1);
        }
        ASSERT_EQ(blocks.size(), reference.size());
        if (step % 10'000 == 0) {
            ASSERT_EQ(contents(blocks), std::vector<int>(reference.begin(), reference.end()));
            const int probe = key(random);
            const auto expected = reference.upper_bound(probe);
            const auto actual = blocks.upper_bound(probe);
            ASSERT_EQ(actual == blocks.end(), expected == reference.end());
            if (expected != reference.end()) {
                ASSERT_EQ(*actual, *expected);
            }
        }
    }
    EXPECT_EQ(contents(blocks), std::vector<int>(reference.begin(), reference.end()));
}

}  // namespace
}  // namespace gateway::testing
