// How current the mirror is, shared between the feed listener that keeps it current and
// the requests and health checks that report on it. Lock-free: read on every request.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

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

  private:
    std::atomic<bool> loaded_{false};
    std::atomic<bool> following_{false};
    std::atomic<domain::Millis> last_synced_{0};
    std::atomic<std::uint64_t> full_loads_{0};
};

}  // namespace gateway::store
