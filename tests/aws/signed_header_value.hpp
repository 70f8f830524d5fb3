// Reading one header of a request the signer produced, for the SigV4 tests.
#pragma once

#include <string>
#include <string_view>

#include "aws/http_client.hpp"

namespace gateway::test {

// The value of the header named exactly `name`, or "<absent>" so a failed comparison
// says what was missing.
inline std::string header_value(const aws::HttpHeaders& headers, std::string_view name) {
    for (const auto& [header_name, value] : headers) {
        if (header_name == name) return value;
    }
    return "<absent>";
}

}  // namespace gateway::test
