#include "sources/pool_conninfo.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace gateway::sources {

config::ConnectionParams with_application_name(config::ConnectionParams params) {
    if (!config::find_parameter(params, "application_name")) {
        config::set_parameter(params, "application_name", "gateway-api");
    }
    return params;
}

config::ConnectionParams with_server_timeouts(config::ConnectionParams params,
                                              std::chrono::milliseconds client_timeout) {
    const auto server_timeout = std::max<std::int64_t>(1, client_timeout.count() / 2);
    std::string options(config::find_parameter(params, "options").value_or(""));
    if (!options.empty()) options += ' ';
    options += "-c statement_timeout=" + std::to_string(server_timeout);
    options += " -c idle_in_transaction_session_timeout=" +
               std::to_string(std::max<std::int64_t>(1, client_timeout.count()));
    config::set_parameter(params, "options", std::move(options));
    return params;
}

std::string pool_conninfo(const config::ConnectionParams& params,
                          std::chrono::milliseconds statement_timeout) {
    return config::to_conninfo(with_server_timeouts(params, statement_timeout));
}

}  // namespace gateway::sources
