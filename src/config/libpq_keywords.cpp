#include "config/libpq_keywords.hpp"

#include <libpq-fe.h>

#include <memory>
#include <set>
#include <string>

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

}  // namespace

bool is_libpq_keyword(std::string_view keyword) {
    // Immutable after its thread-safe first initialisation.
    static const std::set<std::string, std::less<>> keywords = load_keywords();
    return keywords.contains(keyword);
}

}  // namespace gateway::config
