// A hash index from a string key to a value, split into shards so that growing it
// rehashes one small table at a time. One table of a million entries rehashing under the
// store's write lock stalls every request for tens of milliseconds; a shard stalls them
// for a fraction of that. The tables are open-addressing (Boost's flat map): an entry
// costs its slot, not a node allocation, which matters with every API indexed three times.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string_view>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

namespace gateway::store {

// Keys are views: the caller keeps the viewed string alive while it is indexed (the
// memory store points them into the stored, immutable API). A pointer `find` returns is
// valid until the index next changes.
template <class Value>
class ShardedIndex {
  public:
    const Value* find(std::string_view key) const {
        const auto& shard = shards_[shard_of(key)];
        const auto it = shard.find(key);
        return it == shard.end() ? nullptr : &it->second;
    }
    void insert(std::string_view key, Value value) {
        shards_[shard_of(key)].insert_or_assign(key, std::move(value));
    }
    // Inserts unless the key is present; one hash walk where find + insert take two.
    bool try_insert(std::string_view key, const Value& value) {
        return shards_[shard_of(key)].try_emplace(key, value).second;
    }
    void erase(std::string_view key) { shards_[shard_of(key)].erase(key); }
    // Removes the entry and hands its value over (an empty Value when there was none), so
    // that a value owning the viewed key outlives the erasure.
    Value take(std::string_view key) {
        auto& shard = shards_[shard_of(key)];
        const auto it = shard.find(key);
        if (it == shard.end()) return Value{};
        Value value = std::move(it->second);
        shard.erase(it);
        return value;
    }
    void clear() {
        for (auto& shard : shards_) shard.clear();
    }
    std::size_t size() const {
        std::size_t total = 0;
        for (const auto& shard : shards_) total += shard.size();
        return total;
    }

  private:
    static constexpr std::size_t shard_count = 64;

    static std::size_t shard_of(std::string_view key) {
        // The high bits choose the shard; the table inside uses the same hash modulo its
        // bucket count, which leans on the low bits.
        return (std::hash<std::string_view>{}(key) >> 40) % shard_count;
    }

    std::array<boost::unordered_flat_map<std::string_view, Value, std::hash<std::string_view>>,
               shard_count>
        shards_;
};

}  // namespace gateway::store
