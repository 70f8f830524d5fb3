// Process-wide logging set up once at start: stdout, text or one JSON object per line.
#pragma once

#include "config/settings.hpp"

namespace gateway::app {

// Throws config::ConfigError for an unknown LOG_LEVEL (already checked by parse_settings).
void configure_logging(const config::LogSettings& settings);

// Pushes buffered lines out; called after lines a watcher waits for, and at exit.
void flush_logs();

}  // namespace gateway::app
