#include "domain/api.hpp"

#include <string>
#include <string_view>

namespace gateway::domain {

std::string name_key(std::string_view name) {
    std::string key(name);
    // Names are ASCII by their pattern, so ASCII folding is the whole of case-insensitivity
    // here, and it does not depend on the process locale.
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
}

}  // namespace gateway::domain
