#include "http/request_fields.hpp"

namespace gateway::http {

namespace {

template <class Name>
std::optional<std::string> join_lines(const boost::beast::http::fields& fields, Name name) {
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

}  // namespace

std::optional<std::string> combined_field(const boost::beast::http::fields& fields,
                                          boost::beast::http::field name) {
    return join_lines(fields, name);
}

std::optional<std::string> combined_field(const boost::beast::http::fields& fields,
                                          std::string_view name) {
    return join_lines(fields, name);
}

}  // namespace gateway::http
