// PostgreSQL text[] parameters in the text format the store sends them in (rows come
// back in binary: db/pg_binary.hpp).
#pragma once

#include <string>
#include <vector>

namespace gateway::store {

// The array literal of `elements`, every element quoted so that no value (empty, NULL,
// one with a comma or brace) can be misread: {"GET","POST"}.
std::string format_text_array(const std::vector<std::string>& elements);

}  // namespace gateway::store
