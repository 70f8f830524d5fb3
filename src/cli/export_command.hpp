// `gateway-api export`: every API of a running instance as one JSON document.
#pragma once

#include <ostream>
#include <span>
#include <string>

#include "config/settings.hpp"

namespace gateway::cli {

// `args` are those after "export". The document goes to `out` (or --output), messages to
// `err`. Returns the exit status: 0 written, 1 failed, 2 usage.
int run_export(std::span<const std::string> args, const config::EnvMap& env, std::ostream& out,
               std::ostream& err);

}  // namespace gateway::cli
