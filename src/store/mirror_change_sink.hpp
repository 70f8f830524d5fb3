// Where the in-memory store reports each change to its contents, in the order they
// happen: the durable local snapshot listens here. Called with the store's write lock
// held, so an implementation only records the change and returns.
#pragma once

#include <string_view>

#include "domain/api.hpp"

namespace gateway::store {

class MirrorChangeSink {
  public:
    // `api` is now held (a new record, or a new revision of one).
    virtual void stored(const domain::ApiPtr& api) = 0;
    // The API with this id is no longer held.
    virtual void removed(std::string_view id) = 0;

  protected:
    ~MirrorChangeSink() = default;
};

}  // namespace gateway::store
