// Finding a sanitizer's report in the server's output: a sanitizer build of the server
// keeps serving after most reports, so a test must look for them to notice at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gateway::test {

// The report starting at the first sanitizer headline, shortened; nullopt when none.
std::optional<std::string> find_sanitizer_report(std::string_view output);

}  // namespace gateway::test
