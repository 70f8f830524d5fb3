// Just enough XML to read the AWS Query protocol's answers (STS): the text of an element
// found by its local name. No DTDs, no external entities, nothing fetched.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gateway::aws {

// The inner XML of the first element whose local name (namespace prefix ignored) is
// `name`, or nullopt. Elements of the same name nested inside it are matched up.
std::optional<std::string_view> xml_element_body(std::string_view xml, std::string_view name);

// That element's text: CDATA unwrapped, the five predefined entities and numeric
// character references decoded, surrounding whitespace trimmed.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

}  // namespace gateway::aws
