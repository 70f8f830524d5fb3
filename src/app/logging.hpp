// Process-wide logging set up once at start: stdout, text or one JSON object per line.
#pragma once

#include "config/settings.hpp"

namespace gateway::app {

enum class LogStream { standard_output, standard_error };

// The server logs to stdout; commands that print a result (check-db) log to stderr so
// the result stays parseable.
void configure_logging(const config::LogSettings& settings,
                       LogStream stream = LogStream::standard_output);

// Pushes buffered lines out; called after lines a watcher waits for, and at exit.
void flush_logs();

}  // namespace gateway::app
