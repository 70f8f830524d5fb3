// Logging set up once at start: stdout, text or one JSON object per line. The service's
// own messages go through spdlog's default logger; each worker thread writes its access
// lines through a logger of its own.
#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "config/settings.hpp"
#include "http/access_log.hpp"

namespace gateway::app {

enum class LogStream { standard_output, standard_error };

// The server logs to stdout; commands that print a result (check-db) log to stderr so
// the result stays parseable.
void configure_logging(const config::LogSettings& settings,
                       LogStream stream = LogStream::standard_output);

// The access log of one worker thread: same format and level, batched writes, no lock.
// Only that thread may use it (and flush it). In the JSON format its lines carry the
// request's fields (request_id, method, route, ...) beside the message.
std::unique_ptr<http::AccessLog> make_access_log(const config::LogSettings& settings);

// Pushes buffered lines out; called after lines a watcher waits for, and at exit.
void flush_logs();

}  // namespace gateway::app
