// The key set in use, shared by every worker thread and replaced whole on a reload
// (SIGHUP): a request keeps the set it started with, even across a swap.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "auth/key_set.hpp"

namespace gateway::auth {

class KeyStore {
  public:
    // Loads `path`; throws KeyFileError.
    explicit KeyStore(const std::string& path);
    KeyStore(std::string path, KeySet keys);

    // The set in use. The lock covers a pointer copy and a reference count, far less than
    // the digest that follows; libstdc++ 12's std::atomic<std::shared_ptr> would do no
    // better (it spins on a lock bit) and ThreadSanitizer reports races inside it.
    std::shared_ptr<const KeySet> current() const {
        const std::lock_guard lock(mutex_);
        return keys_;
    }

    // Reads the file again and puts its keys in use; returns how many there are. On a
    // bad file throws KeyFileError and the keys in use stay.
    std::size_t reload();

    const std::string& path() const { return path_; }

  private:
    std::string path_;
    mutable std::mutex mutex_;
    std::shared_ptr<const KeySet> keys_;  // guarded by mutex_
};

}  // namespace gateway::auth
