#include "support/sanitizer_report.hpp"

#include <algorithm>
#include <array>

namespace gateway::test {

namespace {

constexpr std::array<std::string_view, 4> kHeadlines{
    "WARNING: ThreadSanitizer", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
    "runtime error:"};  // UndefinedBehaviorSanitizer's

constexpr std::size_t kShownChars = 6000;

}  // namespace

std::optional<std::string> find_sanitizer_report(std::string_view output) {
    std::size_t first = std::string_view::npos;
    for (auto headline : kHeadlines) first = std::min(first, output.find(headline));
    if (first == std::string_view::npos) return std::nullopt;
    // Start at the beginning of the headline's line; UBSan puts the location before it.
    const auto line = output.rfind('\n', first);
    const auto start = line == std::string_view::npos ? 0 : line + 1;
    return std::string(output.substr(start, kShownChars));
}

}  // namespace gateway::test
