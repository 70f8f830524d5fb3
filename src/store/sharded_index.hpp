// A hash index from a string key to a value, split into shards so that growing it
// rehashes one small table at a time. One table of a million entries rehashing under the
// store's write lock stalls every request for tens of milliseconds; a shard stalls them
// for a fraction of that.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace gateway::store {

// Keys are views: the caller keeps the viewed string alive while it is indexed (the
// memory store points them into the stored, immutable API).
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

    std::array<std::unordered_map<std::string_view, Value>, shard_count> shards_;
};

}  // namespace gateway::store
