// The keys of a key file, found by their public id. A set never changes once built;
// a reload builds a new one (see KeyStore).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/api_key.hpp"

namespace gateway::auth {

// A key file that cannot be used. what() is "line <n>: <what is wrong>" (or why the file
// could not be read) and never repeats the file's content, which may hold a pasted key.
class KeyFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct KeyEntry {
    std::string name;
    Scope scope = Scope::read;
    std::string salt;  // raw bytes
    KeyDigest digest{};
};

// How a presented key compares with the set.
enum class KeyMatch {
    accepted,      // a key of the set
    wrong_secret,  // the id of a key of the set, with another secret
    unknown,       // the shape of a key, with an id the set does not hold
    malformed,     // not the shape of a key at all
};

struct KeyLookup {
    KeyMatch match = KeyMatch::malformed;
    const KeyEntry* entry = nullptr;  // the key its id names, for accepted and wrong_secret
};

class KeySet {
  public:
    KeySet() = default;

    // One key per line, "<name> <scope> <id> <salt> <digest>" (as `gateway-api hash-key`
    // prints it), separated by spaces or tabs; blank lines and lines starting with '#'
    // are skipped. Throws KeyFileError for a malformed line, an unknown scope, or a name
    // or id used twice.
    static KeySet parse(std::string_view text);

    // Reads and parses the file at `path`. Throws KeyFileError.
    static KeySet load(const std::string& path);

    // One map lookup and one SHA-256; the digests are compared in constant time.
    KeyLookup find(std::string_view presented) const;

    std::size_t size() const { return by_id_.size(); }

  private:
    std::unordered_map<std::string, KeyEntry> by_id_;
};

}  // namespace gateway::auth
