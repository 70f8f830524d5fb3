// `gateway-api import FILE`: make a running instance hold the APIs of a document.
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string>

#include "config/settings.hpp"

namespace gateway::cli {

// Exit statuses, as the usage text documents them.
inline constexpr int kImportApplied = 0;
inline constexpr int kImportFailed = 1;
inline constexpr int kImportUsageError = 2;
inline constexpr int kImportInvalidFile = 3;

// `args` are those after "import"; FILE `-` is read from `in`. The plan and the outcome
// go to `out`, problems to `err`.
int run_import(std::span<const std::string> args, const config::EnvMap& env, std::istream& in,
               std::ostream& out, std::ostream& err);

}  // namespace gateway::cli
