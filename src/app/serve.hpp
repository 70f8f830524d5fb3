// `gateway-api serve`: wire the layers together and run until SIGINT or SIGTERM.
#pragma once

#include <vector>

#include "config/database_sources.hpp"
#include "config/settings.hpp"

namespace gateway::app {

// Returns the process exit code: 0 after a graceful shutdown. `environment` is where the
// AWS credential chain looks when a source needs it.
int serve(const config::Settings& settings, std::vector<config::DatabaseSource> sources,
          config::EnvMap environment);

}  // namespace gateway::app
