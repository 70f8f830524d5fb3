// Revisions as entity tags, and the If-Match precondition on writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::domain {

// The ETag of a revision: the number in quotes, e.g. "3".
std::string etag_for(std::int64_t revision);

// What an If-Match header demands of the current revision. Without the header
// anything is admitted; with "*" any existing API is; otherwise one of the listed
// strong tags must equal the current revision (weak tags never match, RFC 9110 13.1.1).
class Precondition {
  public:
    static Precondition none() { return Precondition{}; }
    static Precondition from_if_match(std::string_view header);
    static Precondition revision(std::int64_t revision);

    bool admits(std::int64_t current_revision) const;
    bool is_set() const { return set_; }
    bool any() const { return any_; }
    const std::vector<std::int64_t>& revisions() const { return revisions_; }

  private:
    bool set_ = false;
    bool any_ = false;
    std::vector<std::int64_t> revisions_;
};

}  // namespace gateway::domain
