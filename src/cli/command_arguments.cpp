#include "cli/command_arguments.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace gateway::cli {
namespace {

const OptionRule* find_rule(std::span<const OptionRule> rules, std::string_view name) {
    const auto found = std::find_if(rules.begin(), rules.end(),
                                    [&](const OptionRule& rule) { return rule.name == name; });
    return found == rules.end() ? nullptr : &*found;
}

UsageError usage_error(std::string message) {
    return UsageError{std::move(message)};
}

}  // namespace

bool SplitArguments::has(std::string_view name) const {
    return std::any_of(options.begin(), options.end(),
                       [&](const GivenOption& option) { return option.name == name; });
}

std::optional<std::string> SplitArguments::value_of(std::string_view name) const {
    for (const auto& option : options) {
        if (option.name == name) return option.value;
    }
    return std::nullopt;
}

domain::Expected<SplitArguments, UsageError> split_arguments(std::span<const std::string> args,
                                                             std::span<const OptionRule> rules) {
    SplitArguments split;
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_ended || arg == "-" || !arg.starts_with("-")) {
            split.operands.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> value;
        if (const auto equals = arg.find('='); equals != std::string::npos) {
            name = arg.substr(0, equals);
            value = arg.substr(equals + 1);
        }
        if (name == "-h" && find_rule(rules, "--help") != nullptr) name = "--help";
        const OptionRule* rule = find_rule(rules, name);
        if (rule == nullptr) {
            return domain::unexpected(usage_error("unknown option '" + name + "'"));
        }
        if (split.has(name)) {
            return domain::unexpected(usage_error("option " + name + " is given twice"));
        }
        if (rule->takes_value && !value) {
            if (i + 1 == args.size()) {
                return domain::unexpected(usage_error("option " + name + " needs a value"));
            }
            value = args[++i];
        } else if (!rule->takes_value && value) {
            return domain::unexpected(usage_error("option " + name + " takes no value"));
        }
        split.options.push_back(GivenOption{std::move(name), std::move(value)});
    }
    return split;
}

}  // namespace gateway::cli
