// The /health body while a database is configured: the contract's rows, decided by what
// the service actually serves from (the adopted primary or the in-memory fallback), with
// the mirror's and the breaker's state added inside `database`.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/health.hpp"
#include "db/circuit_breaker.hpp"
#include "db/database_manager.hpp"
#include "local/journal.hpp"
#include "local/local_state.hpp"
#include "store/memory_store.hpp"
#include "store/mirror_status.hpp"
#include "store/mirrored_store.hpp"

namespace gateway::app {

struct MirrorHealthSources {
    db::DatabaseManager& database;
    const store::MirroredStore& store;
    const store::MemoryStore& mirror;
    const store::MirrorStatus& status;
    const db::CircuitBreaker& breaker;
    const local::LocalState* local_state;  // null without DATA_DIR
    const local::Journal* journal;         // null without DATA_DIR
};

// Never waits on a database the breaker knows is gone: that answer is immediate.
boost::asio::awaitable<api::DatabaseHealth> mirror_health(MirrorHealthSources sources);

}  // namespace gateway::app
