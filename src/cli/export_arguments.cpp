#include "cli/export_arguments.hpp"

#include <iterator>
#include <utility>
#include <vector>

#include "cli/connection_arguments.hpp"

namespace gateway::cli {

domain::Expected<ExportOptions, UsageError> parse_export_arguments(
    std::span<const std::string> args, const config::EnvMap& env) {
    std::vector<OptionRule> rules(kConnectionOptionRules.begin(), kConnectionOptionRules.end());
    rules.push_back({"--output", true});
    rules.push_back({"--with-server-fields", false});
    auto split = split_arguments(args, rules);
    if (!split) return domain::unexpected(std::move(split).error());
    ExportOptions options;
    options.help = split->has("--help");
    if (options.help) return options;
    if (!split->operands.empty()) {
        return domain::unexpected(UsageError{"unexpected argument '" + split->operands[0] + "'"});
    }
    auto connection = connection_options_from(*split, env);
    if (!connection) return domain::unexpected(std::move(connection).error());
    options.connection = std::move(connection).value();
    options.output_file = split->value_of("--output");
    if (options.output_file && options.output_file->empty()) {
        return domain::unexpected(UsageError{"--output needs a file"});
    }
    options.with_server_fields = split->has("--with-server-fields");
    return options;
}

}  // namespace gateway::cli
