// A sorted sequence kept as a list of small sorted blocks: the order index of the memory
// store. A balanced tree spends a node allocation (about 64 bytes) on every entry; here an
// entry costs its own size plus the slack of its block, and walking a page touches
// adjacent memory. Inserting or erasing moves at most one block's entries and, when a
// block splits or empties, the short list of blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <utility>
#include <vector>

namespace gateway::store {

// `KeyOf` maps an entry to its sort key; keys are unique and compared with `<`.
template <class Value, class KeyOf>
class OrderedBlocks {
    using Block = std::vector<Value>;

  public:
    class const_iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Value;
        using difference_type = std::ptrdiff_t;
        using pointer = const Value*;
        using reference = const Value&;

        const_iterator() = default;
        reference operator*() const { return (*blocks_)[block_][slot_]; }
        pointer operator->() const { return &**this; }
        const_iterator& operator++() {
            if (++slot_ == (*blocks_)[block_].size()) {
                ++block_;
                slot_ = 0;
            }
            return *this;
        }
        const_iterator operator++(int) {
            auto before = *this;
            ++*this;
            return before;
        }
        bool operator==(const const_iterator& other) const {
            return block_ == other.block_ && slot_ == other.slot_;
        }

      private:
        friend class OrderedBlocks;
        const_iterator(const std::vector<Block>* blocks, std::size_t block, std::size_t slot)
            : blocks_(blocks), block_(block), slot_(slot) {}
        const std::vector<Block>* blocks_ = nullptr;
        std::size_t block_ = 0;
        std::size_t slot_ = 0;
    };

    const_iterator begin() const { return {&blocks_, 0, 0}; }
    const_iterator end() const { return {&blocks_, blocks_.size(), 0}; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    // The first entry whose key is greater than `key`.
    template <class Key>
    const_iterator upper_bound(const Key& key) const {
        const auto block =
            std::upper_bound(blocks_.begin(), blocks_.end(), key,
                             [](const Key& k, const Block& b) { return k < KeyOf{}(b.back()); });
        if (block == blocks_.end()) return end();
        const auto slot =
            std::upper_bound(block->begin(), block->end(), key,
                             [](const Key& k, const Value& v) { return k < KeyOf{}(v); });
        return at(static_cast<std::size_t>(block - blocks_.begin()),
                  static_cast<std::size_t>(slot - block->begin()));
    }

    // Inserts `value`; false (and nothing changes) when its key is present.
    bool insert(Value value) {
        const auto key = KeyOf{}(value);
        if (blocks_.empty()) {
            blocks_.emplace_back().push_back(std::move(value));
            ++size_;
            return true;
        }
        // The block that should hold the key: the first whose last key is not below it,
        // or the last block when the key is above every key (the common case: new
        // entries sort last).
        std::size_t index = block_for(key);
        if (index == blocks_.size()) --index;
        Block& block = blocks_[index];
        const auto slot =
            std::lower_bound(block.begin(), block.end(), key,
                             [](const Value& v, const auto& k) { return KeyOf{}(v) < k; });
        if (slot != block.end() && !(key < KeyOf{}(*slot))) return false;
        if (block.size() < kMaxBlock) {
            block.insert(slot, std::move(value));
        } else if (slot == block.end() && index + 1 == blocks_.size()) {
            // Appending past a full last block opens a new one, so that entries arriving
            // in order fill their blocks completely.
            blocks_.emplace_back().push_back(std::move(value));
        } else {
            split_and_insert(index, static_cast<std::size_t>(slot - block.begin()),
                             std::move(value));
        }
        ++size_;
        return true;
    }

    // Erases the entry with `key`; false when there is none.
    template <class Key>
    bool erase(const Key& key) {
        const std::size_t index = block_for(key);
        if (index == blocks_.size()) return false;
        Block& block = blocks_[index];
        const auto slot =
            std::lower_bound(block.begin(), block.end(), key,
                             [](const Value& v, const Key& k) { return KeyOf{}(v) < k; });
        if (slot == block.end() || key < KeyOf{}(*slot)) return false;
        block.erase(slot);
        --size_;
        if (block.empty()) {
            blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(index));
        } else if (block.size() < kMaxBlock / 4) {
            merge_small(index);
        }
        return true;
    }

    void clear() {
        blocks_.clear();
        size_ = 0;
    }

  private:
    // Small enough that moving a block's entries costs little more than finding them.
    static constexpr std::size_t kMaxBlock = 512;

    const_iterator at(std::size_t block, std::size_t slot) const {
        if (slot == blocks_[block].size()) return {&blocks_, block + 1, 0};
        return {&blocks_, block, slot};
    }

    template <class Key>
    std::size_t block_for(const Key& key) const {
        const auto block =
            std::lower_bound(blocks_.begin(), blocks_.end(), key,
                             [](const Block& b, const Key& k) { return KeyOf{}(b.back()) < k; });
        return static_cast<std::size_t>(block - blocks_.begin());
    }

    void split_and_insert(std::size_t index, std::size_t slot, Value value) {
        Block& full = blocks_[index];
        const std::size_t half = full.size() / 2;
        Block upper(std::make_move_iterator(full.begin() + static_cast<std::ptrdiff_t>(half)),
                    std::make_move_iterator(full.end()));
        full.erase(full.begin() + static_cast<std::ptrdiff_t>(half), full.end());
        // The lower half keeps the full block's capacity: give the slack back.
        Block lower(std::make_move_iterator(full.begin()), std::make_move_iterator(full.end()));
        if (slot <= half) {
            lower.insert(lower.begin() + static_cast<std::ptrdiff_t>(slot), std::move(value));
        } else {
            upper.insert(upper.begin() + static_cast<std::ptrdiff_t>(slot - half),
                         std::move(value));
        }
        blocks_[index] = std::move(lower);
        blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(index + 1), std::move(upper));
    }

    // Folds a block that deletes have thinned into a neighbour with room for it.
    void merge_small(std::size_t index) {
        const auto fits = [&](std::size_t other) {
            return blocks_[index].size() + blocks_[other].size() <= kMaxBlock / 2;
        };
        std::size_t into = index;
        if (index + 1 < blocks_.size() && fits(index + 1)) {
            into = index + 1;
        } else if (index > 0 && fits(index - 1)) {
            into = index - 1;
        } else {
            return;
        }
        Block merged;
        const std::size_t first = std::min(index, into);
        merged.reserve(blocks_[first].size() + blocks_[first + 1].size());
        for (std::size_t b = first; b <= first + 1; ++b) {
            std::move(blocks_[b].begin(), blocks_[b].end(), std::back_inserter(merged));
        }
        blocks_[first] = std::move(merged);
        blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(first + 1));
    }

    std::vector<Block> blocks_;
    std::size_t size_ = 0;
};

}  // namespace gateway::store
