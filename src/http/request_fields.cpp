#include "http/request_fields.hpp"

namespace gateway::http {

std::optional<std::string> combined_field(const boost::beast::http::fields& fields,
                                          boost::beast::http::field name) {
    std::optional<std::string> combined;
    const auto [first, last] = fields.equal_range(name);
    for (auto it = first; it != last; ++it) {
        if (combined) {
            *combined += ", ";
        } else {
            combined.emplace();
        }
        *combined += it->value();
    }
    return combined;
}

}  // namespace gateway::http
