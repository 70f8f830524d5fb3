// Reading request header fields as RFC 9110 defines them, not as Beast stores them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>

namespace gateway::http {

// The value of a list-valued field (If-Match, ...): a field sent in several lines means
// the same as one line with their values joined by commas (RFC 9110 5.3), whereas a
// lookup in Beast's fields sees the first line only. nullopt when the field is absent.
std::optional<std::string> combined_field(const boost::beast::http::fields& fields,
                                          boost::beast::http::field name);
// The same for a field Beast has no name for (Idempotency-Key).
std::optional<std::string> combined_field(const boost::beast::http::fields& fields,
                                          std::string_view name);

}  // namespace gateway::http
