// The RDS secret JSON as Secrets Manager returns it: read twice, once with the AWS_DB_*
// variables to fall back on and once without. A refusal must say why; a secret that is
// read must name a host and a user and render for libpq.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "config/connection_params.hpp"
#include "config/rds_secret.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway::config;
    const std::string_view secret(reinterpret_cast<const char*>(data), size);

    AwsDbVariables fallback;
    fallback.host = "db.internal";
    fallback.port = 6432;
    fallback.name = "gateway";
    const std::vector<ConnectionParameter> ssl{{"sslmode", "require"}};

    for (const AwsDbVariables& variables : {AwsDbVariables{}, fallback}) {
        const auto params = connection_params_from_rds_secret(secret, variables, ssl);
        if (!params) {
            GATEWAY_FUZZ_CHECK(!params.error().message.empty());
            continue;
        }
        GATEWAY_FUZZ_CHECK(!params->host.empty() && !params->user.empty());
        GATEWAY_FUZZ_CHECK(find_parameter(*params, "sslmode") == "require");
        GATEWAY_FUZZ_CHECK(!to_conninfo(*params).empty());
    }
    return 0;
}
