// PostgreSQL text[] values in the text format the store exchanges them in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::store {

// The array literal of `elements`, every element quoted so that no value (empty, NULL,
// one with a comma or brace) can be misread: {"GET","POST"}.
std::string format_text_array(const std::vector<std::string>& elements);

// A one-dimensional text[] as the server prints it: {a,"b c","d\"e"}. nullopt for
// anything else, a NULL element included (the schema allows none).
std::optional<std::vector<std::string>> parse_text_array(std::string_view literal);

}  // namespace gateway::store
