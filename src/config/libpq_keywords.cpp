#include "config/libpq_keywords.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/env_value.hpp"

namespace gateway::config {
namespace {

// Parsing an empty conninfo lists every keyword without filling in defaults, so unlike
// PQconndefaults() it reads neither the environment nor the service file.
std::set<std::string, std::less<>> load_keywords() {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{
        PQconninfoParse("", &error), &PQconninfoFree};
    if (error != nullptr) PQfreemem(error);
    std::set<std::string, std::less<>> keywords;
    if (!options) return keywords;
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
        keywords.emplace(option->keyword);
    }
    return keywords;
}

const std::set<std::string, std::less<>>& keywords() {
    // Immutable after its thread-safe first initialisation.
    static const std::set<std::string, std::less<>> all = load_keywords();
    return all;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

bool is_libpq_keyword(std::string_view keyword) {
    return keywords().contains(keyword);
}

std::optional<std::string_view> closest_libpq_keyword(std::string_view name) {
    constexpr std::size_t max_edits = 2;
    if (name.size() > 64) return std::nullopt;
    const std::string lowered = to_lower(name);
    std::optional<std::string_view> best;
    std::size_t best_distance = max_edits + 1;
    for (const auto& keyword : keywords()) {
        const std::size_t distance = edit_distance(lowered, keyword);
        // A short name is within two edits of too many keywords to be a useful hint.
        if (distance < best_distance && distance < keyword.size() / 2) {
            best = keyword;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace gateway::config
