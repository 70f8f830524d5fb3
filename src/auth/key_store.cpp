#include "auth/key_store.hpp"

#include <utility>

namespace gateway::auth {

KeyStore::KeyStore(const std::string& path) : KeyStore(path, KeySet::load(path)) {}

KeyStore::KeyStore(std::string path, KeySet keys)
    : path_(std::move(path)), keys_(std::make_shared<const KeySet>(std::move(keys))) {}

std::size_t KeyStore::reload() {
    auto fresh = std::make_shared<const KeySet>(KeySet::load(path_));
    const std::size_t count = fresh->size();
    {
        const std::lock_guard lock(mutex_);
        keys_.swap(fresh);
    }
    return count;  // the old set goes with `fresh`, outside the lock
}

}  // namespace gateway::auth
