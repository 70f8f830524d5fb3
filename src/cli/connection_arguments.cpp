#include "cli/connection_arguments.hpp"

#include <string>
#include <utility>

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
    options.api_key = api_key_from(env);
    return options;
}

}  // namespace gateway::cli
