// The command line of `gateway-api export`.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/command_arguments.hpp"
#include "cli/connection_options.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

inline constexpr std::string_view kExportUsage =
    R"(Usage: gateway-api export [--url URL] [--cacert FILE] [--page-size N]
                          [--output FILE] [--with-server-fields]

Prints every API of a running instance as one JSON document, sorted by name, with the
writable fields only: the file `gateway-api import` reads.

Options:
  --url URL             The instance (default http://127.0.0.1:8000).
  --cacert FILE         PEM bundle to verify an https:// instance with (default: system CAs).
  --page-size N         APIs per listed page, 1-1000 (default 1000).
  --output FILE         Write the document to FILE (replaced whole) instead of standard output.
  --with-server-fields  Keep id, revision, created_at and updated_at (import ignores them).
  --help, -h            Show this help and exit.

GATEWAY_API_KEY, when set, is sent as `Authorization: Bearer <key>`.
Exit status: 0 written, 1 the instance could not be read or the file not written, 2 usage.
)";

struct ExportOptions {
    ConnectionOptions connection;
    std::optional<std::string> output_file;
    bool with_server_fields = false;
    bool help = false;
};

// `args` are those after the command's name.
domain::Expected<ExportOptions, UsageError> parse_export_arguments(
    std::span<const std::string> args, const config::EnvMap& env);

}  // namespace gateway::cli
