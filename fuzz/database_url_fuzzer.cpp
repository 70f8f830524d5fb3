// DATABASE_URL as an operator writes it. Anything unusable is a ConfigError (the start-up
// error naming the variable); anything else thrown, or a crash, is a finding. A URL that
// parses must render for libpq and for the log.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/database_url.hpp"
#include "config/settings.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway::config;
    ConnectionParams params;
    try {
        params = parse_database_url(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const ConfigError& error) {
        GATEWAY_FUZZ_CHECK(error.variable() == "DATABASE_URL");
        return 0;
    }
    GATEWAY_FUZZ_CHECK(!to_conninfo(params).empty());
    GATEWAY_FUZZ_CHECK(!describe_for_log(params).empty());
    return 0;
}
