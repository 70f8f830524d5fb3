// The command line of `gateway-api import`.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cli/command_arguments.hpp"
#include "cli/connection_options.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

inline constexpr std::string_view kImportUsage =
    R"(Usage: gateway-api import FILE [--url URL] [--cacert FILE] [--page-size N]
                               [--dry-run] [--prune]

Makes a running instance hold the APIs of FILE (a document of `gateway-api export`; `-`
reads standard input): creates the missing ones, replaces those whose writable fields
differ, and with --prune deletes those the file does not name. APIs are matched by name.
Prints the plan, then applies it; a second run changes nothing.

Options:
  --url URL      The instance (default http://127.0.0.1:8000).
  --cacert FILE  PEM bundle to verify an https:// instance with (default: system CAs).
  --page-size N  APIs per listed page, 1-1000 (default 1000).
  --dry-run      Print the plan and change nothing.
  --prune        Delete the APIs that FILE does not name.
  --help, -h     Show this help and exit.

GATEWAY_API_KEY, when set, is sent as `Authorization: Bearer <key>`.
Exit status: 0 the instance matches FILE (or, with --dry-run, the plan was printed);
1 the instance could not be reached or refused a change (the changes already made are
listed); 2 usage; 3 FILE is invalid or cannot be applied as it is (nothing was changed).
)";

struct ImportOptions {
    ConnectionOptions connection;
    std::string file;  // "-" for standard input
    bool dry_run = false;
    bool prune = false;
    bool help = false;
};

domain::Expected<ImportOptions, UsageError> parse_import_arguments(
    std::span<const std::string> args, const config::EnvMap& env);

}  // namespace gateway::cli
