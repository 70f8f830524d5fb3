// How current the mirror is, shared between the feed listener that keeps it current and
// the requests and health checks that report on it. Lock-free where requests read it;
// the feed place (read by the snapshot writer, written once per sync) takes a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "domain/api.hpp"

namespace gateway::store {

class MirrorStatus {
  public:
    // A full load of the primary has been applied at least once.
    bool loaded() const { return loaded_.load(std::memory_order_acquire); }
    // The listener is connected and caught up: changes reach the mirror within moments.
    bool following() const { return following_.load(std::memory_order_acquire); }
    // When the mirror was last known to hold everything the primary held (wall clock).
    domain::Millis last_synced() const { return last_synced_.load(std::memory_order_acquire); }

    // Since when reads may be stale: set while the mirror is loaded but not following.
    std::optional<domain::Millis> stale_since() const {
        if (!loaded() || following()) return std::nullopt;
        return last_synced();
    }

    void mark_synced(domain::Millis at) {
        last_synced_.store(at, std::memory_order_release);
        loaded_.store(true, std::memory_order_release);
        following_.store(true, std::memory_order_release);
    }
    void mark_lost() { following_.store(false, std::memory_order_release); }

    void count_full_load() { full_loads_.fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t full_loads() const { return full_loads_.load(std::memory_order_relaxed); }

    // Where in which primary's change feed the mirror stands: what the local snapshot
    // records, so that a start without the primary can later resume from there.
    struct FeedPlace {
        std::string database;        // the primary's description; empty before one is followed
        std::uint64_t position = 0;  // 0 until the first load or sync of that primary
    };
    FeedPlace feed_place() const {
        std::lock_guard lock(place_mutex_);
        return place_;
    }
    // A new primary is followed from now on: no position in its feed yet.
    void follow_database(std::string database) {
        std::lock_guard lock(place_mutex_);
        if (place_.database != database) place_ = {std::move(database), 0};
    }
    // Set only after the changes before `position` have been applied to the mirror.
    void mark_position(std::uint64_t position) {
        std::lock_guard lock(place_mutex_);
        place_.position = position;
    }
    // A start from a snapshot: the mirror holds what it held, as of `synced_at`.
    void restore(FeedPlace place, domain::Millis synced_at) {
        {
            std::lock_guard lock(place_mutex_);
            place_ = std::move(place);
        }
        last_synced_.store(synced_at, std::memory_order_release);
        loaded_.store(true, std::memory_order_release);
    }

  private:
    std::atomic<bool> loaded_{false};
    std::atomic<bool> following_{false};
    std::atomic<domain::Millis> last_synced_{0};
    std::atomic<std::uint64_t> full_loads_{0};
    mutable std::mutex place_mutex_;
    FeedPlace place_;
};

}  // namespace gateway::store
