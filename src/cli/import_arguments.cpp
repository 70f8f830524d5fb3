#include "cli/import_arguments.hpp"

#include <utility>
#include <vector>

#include "cli/connection_arguments.hpp"

namespace gateway::cli {

domain::Expected<ImportOptions, UsageError> parse_import_arguments(
    std::span<const std::string> args, const config::EnvMap& env) {
    std::vector<OptionRule> rules(kConnectionOptionRules.begin(), kConnectionOptionRules.end());
    rules.push_back({"--dry-run", false});
    rules.push_back({"--prune", false});
    auto split = split_arguments(args, rules);
    if (!split) return domain::unexpected(std::move(split).error());
    ImportOptions options;
    options.help = split->has("--help");
    if (options.help) return options;
    if (split->operands.empty()) return domain::unexpected(UsageError{"FILE is missing"});
    if (split->operands.size() > 1) {
        return domain::unexpected(UsageError{"unexpected argument '" + split->operands[1] + "'"});
    }
    auto connection = connection_options_from(*split, env);
    if (!connection) return domain::unexpected(std::move(connection).error());
    options.connection = std::move(connection).value();
    options.file = split->operands[0];
    if (options.file.empty()) return domain::unexpected(UsageError{"FILE is empty"});
    options.dry_run = split->has("--dry-run");
    options.prune = split->has("--prune");
    return options;
}

}  // namespace gateway::cli
