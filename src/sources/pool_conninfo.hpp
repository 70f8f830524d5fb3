// How the pool's connections present themselves to the server, whatever the source:
// a name in pg_stat_activity and the timeouts the server enforces.
#pragma once

#include <chrono>
#include <string>

#include "config/connection_params.hpp"

namespace gateway::sources {

// Connections name the service in pg_stat_activity unless the source chose a name.
config::ConnectionParams with_application_name(config::ConnectionParams params);

// The server abandons a statement after half of the client's own timeout. Every write
// must also start on the server within 45% of it (PgStore's deadline guard), so a write
// that started in time has ended, one way or the other, before the client gives up on
// it: a write reported as failed (503) cannot commit later on the server.
// And it ends a session left idle inside a transaction for the whole timeout: the
// service's transactions (a keyed write, a journal replay) only pause between their
// statements, so such a session belongs to a process that died where its close never
// reached the server (a partition, a host gone), and its row locks would otherwise
// block the same keys and journal entries for everyone until TCP gave up on it.
config::ConnectionParams with_server_timeouts(config::ConnectionParams params,
                                              std::chrono::milliseconds client_timeout);

// The conninfo a pool connects with: `params` with the server-side statement timeout.
std::string pool_conninfo(const config::ConnectionParams& params,
                          std::chrono::milliseconds statement_timeout);

}  // namespace gateway::sources
