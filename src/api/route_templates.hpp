// The templates of the routes the router answers, as logs and metrics name them: a fixed
// set, so a label made of them has bounded cardinality however many paths clients try.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace gateway::api {

inline constexpr std::array<std::string_view, 11> route_templates = {"/apis",
                                                                     "/apis/{api_id}",
                                                                     "/health",
                                                                     "/health/live",
                                                                     "/health/ready",
                                                                     "/openapi.json",
                                                                     "/journal/conflicts",
                                                                     "/metrics",
                                                                     "/audit",
                                                                     "*",
                                                                     "-"};

// The position of `route` in route_templates; the last one ("-": no route matched) for
// anything else.
constexpr std::size_t route_index(std::string_view route) {
    for (std::size_t i = 0; i + 1 < route_templates.size(); ++i) {
        if (route_templates[i] == route) return i;
    }
    return route_templates.size() - 1;
}

}  // namespace gateway::api
