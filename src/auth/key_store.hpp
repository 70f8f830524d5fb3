// The key set in use, shared by every worker thread and replaced whole on a reload
// (SIGHUP): a request keeps the set it started with, even across a swap.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "auth/key_set.hpp"

namespace gateway::auth {

class KeyStore {
  public:
    // Loads `path`; throws KeyFileError.
    explicit KeyStore(std::string path);
    KeyStore(std::string path, KeySet keys);

    // An atomic load: a short spin lock and a reference count, no system call, which is
    // cheaper than the digest it precedes.
    std::shared_ptr<const KeySet> current() const { return keys_.load(); }

    // Reads the file again and puts its keys in use; returns how many there are. On a
    // bad file throws KeyFileError and the keys in use stay.
    std::size_t reload();

    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::atomic<std::shared_ptr<const KeySet>> keys_;
};

}  // namespace gateway::auth
