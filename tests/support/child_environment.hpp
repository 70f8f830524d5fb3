// The environment a test gives the server: only what the test chose, so the developer's
// own variables (DATABASE_URL, PORT, LOG_LEVEL, ...) can never change what a test sees.
#pragma once

#include <map>
#include <string>

namespace gateway::test {

using Environment = std::map<std::string, std::string>;

// PATH and the sanitizer runtimes' options from this process, then HOST=127.0.0.1 and
// PORT=0 (a free port, so tests never collide), then `extra`, which wins over both.
Environment child_environment(const Environment& extra);

}  // namespace gateway::test
