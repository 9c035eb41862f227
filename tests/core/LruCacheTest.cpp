#include "core/pipeline/LruCache.h"

#include <gtest/gtest.h>

#include <string>

using rlfseg::LruCache;

TEST(LruCache, EvictsTheLeastRecentlyUsedEntry) {
    LruCache<std::string, int> cache(2);
    cache.insert("a", 1);
    cache.insert("b", 2);
    ASSERT_EQ(cache.find("a"), 1); // "a" is now the most recent
    cache.insert("c", 3);          // evicts "b"
    EXPECT_FALSE(cache.find("b").has_value());
    EXPECT_EQ(cache.find("a"), 1);
    EXPECT_EQ(cache.find("c"), 3);
    EXPECT_EQ(cache.size(), 2u);
}

TEST(LruCache, ReinsertingReplacesTheValue) {
    LruCache<std::string, int> cache(2);
    cache.insert("a", 1);
    cache.insert("a", 5);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.find("a"), 5);
}

TEST(LruCache, ZeroCapacityStoresNothingAndClearEmpties) {
    LruCache<int, int> none(0);
    none.insert(1, 1);
    EXPECT_FALSE(none.find(1).has_value());
    LruCache<int, int> cache(3);
    cache.insert(1, 1);
    cache.insert(2, 2);
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.find(1).has_value());
}
