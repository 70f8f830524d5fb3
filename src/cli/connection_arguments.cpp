#include "cli/connection_arguments.hpp"

#include <string>
#include <utility>

#include "config/env_value.hpp"

namespace gateway::cli {

domain::Expected<ConnectionOptions, UsageError> connection_options_from(const SplitArguments& split,
                                                                        const config::EnvMap& env) {
    ConnectionOptions options;
    if (auto url = split.value_of("--url")) {
        auto base = instance_base_url(*url);
        if (!base) return domain::unexpected(UsageError{"--url " + base.error()});
        options.base_url = std::move(base).value();
    }
    if (auto ca_file = split.value_of("--cacert")) {
        if (ca_file->empty()) return domain::unexpected(UsageError{"--cacert needs a file"});
        options.ca_file = std::move(ca_file);
    }
    if (auto page_size = split.value_of("--page-size")) {
        const auto parsed = config::parse_integer(*page_size, 1, kMaxPageSize);
        if (!parsed) {
            return domain::unexpected(UsageError{"--page-size must be a whole number from 1 to " +
                                                 std::to_string(kMaxPageSize)});
        }
        options.page_size = static_cast<std::size_t>(*parsed);
    }
    options.api_key = api_key_from(env);
    return options;
}

}  // namespace gateway::cli
