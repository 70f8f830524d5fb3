// The AWS shared config and credentials files: the same text read as each kind, then the
// two merged as the credential chain merges them. A file that does not parse must say on
// which line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/profile_file_parser.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway::aws;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto config = parse_profile_file(text, ProfileFileKind::config);
    const auto credentials = parse_profile_file(text, ProfileFileKind::credentials);
    for (const auto* parsed : {&config, &credentials}) {
        if (!*parsed) GATEWAY_FUZZ_CHECK(parsed->error().line >= 1);
    }
    if (config && credentials) {
        const Profiles merged = merge_profiles(*config, *credentials);
        for (const auto& [name, properties] : *credentials) {
            GATEWAY_FUZZ_CHECK(merged.count(name) == 1);
        }
    }
    return 0;
}
