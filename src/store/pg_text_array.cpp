#include "store/pg_text_array.hpp"

namespace gateway::store {

std::string format_text_array(const std::vector<std::string>& elements) {
    std::string literal = "{";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) literal += ',';
        literal += '"';
        for (const char c : elements[i]) {
            if (c == '"' || c == '\\') literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    literal += '}';
    return literal;
}

}  // namespace gateway::store
