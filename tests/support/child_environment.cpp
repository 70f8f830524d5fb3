#include "support/child_environment.hpp"

#include <array>
#include <cstdlib>
#include <string_view>

namespace gateway::test {

namespace {

// Passed through so that a sanitizer build of the server honours the same options
// (suppressions, halt_on_error) as the test run that started it.
constexpr std::array<const char*, 5> kInherited{"PATH", "TSAN_OPTIONS", "ASAN_OPTIONS",
                                                "UBSAN_OPTIONS", "LSAN_OPTIONS"};

}  // namespace

Environment child_environment(const Environment& extra) {
    Environment env;
    for (const char* name : kInherited) {
        if (const char* value = std::getenv(name)) env[name] = value;
    }
    if (!env.contains("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
    env["HOST"] = "127.0.0.1";
    env["PORT"] = "0";
    for (const auto& [name, value] : extra) env[name] = value;
    return env;
}

}  // namespace gateway::test
