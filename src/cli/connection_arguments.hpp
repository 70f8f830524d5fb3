// The options both client commands share: --url, --cacert and --page-size, plus the API
// key from the environment.
#pragma once

#include <array>

#include "cli/command_arguments.hpp"
#include "cli/connection_options.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

inline constexpr std::array<OptionRule, 4> kConnectionOptionRules{
    {{"--url", true}, {"--cacert", true}, {"--page-size", true}, {"--help", false}}};

domain::Expected<ConnectionOptions, UsageError> connection_options_from(const SplitArguments& split,
                                                                        const config::EnvMap& env);

}  // namespace gateway::cli
