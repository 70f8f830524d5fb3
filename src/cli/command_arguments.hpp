// Splitting one command's arguments into options and operands. Each command says which
// long options it knows and whether they take a value; anything else is a usage error,
// so a typo (--prnue) can never be mistaken for a file name or silently ignored.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace gateway::cli {

// A mistake on the command line: the message says what, the caller adds the usage.
struct UsageError {
    std::string message;
};

struct OptionRule {
    std::string_view name;  // with its dashes: "--url"
    bool takes_value = false;
};

struct GivenOption {
    std::string name;
    std::optional<std::string> value;
};

struct SplitArguments {
    std::vector<GivenOption> options;  // in the order given
    std::vector<std::string> operands;

    bool has(std::string_view name) const;
    // The value of an option that takes one, when it was given.
    std::optional<std::string> value_of(std::string_view name) const;
};

// Options come as `--name value` or `--name=value`; `--` ends the options, and a lone
// `-` is an operand (standard input). `-h` is read as `--help` when the rules know it.
// Unknown options, a value missing or given to a flag, and an option given twice are
// errors.
domain::Expected<SplitArguments, UsageError> split_arguments(std::span<const std::string> args,
                                                             std::span<const OptionRule> rules);

}  // namespace gateway::cli
