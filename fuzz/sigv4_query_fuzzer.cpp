// SigV4 query canonicalisation: a presigned or signed request's query, decoded and encoded
// again in SigV4's one canonical way. Two spellings of one query must sign alike, so the
// query string rendered from the parsed parameters, and the canonical string itself, must
// canonicalise to the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/query_parameters.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using gateway::aws::QueryParameters;
    const auto parameters =
        QueryParameters::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    const std::string canonical = parameters.canonical();
    GATEWAY_FUZZ_CHECK(QueryParameters::parse(parameters.to_query_string()).canonical() ==
                       canonical);
    GATEWAY_FUZZ_CHECK(QueryParameters::parse(canonical).canonical() == canonical);
    return 0;
}
