// Domain-level API specs and patches for tests that drive the stores directly.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "domain/api.hpp"

namespace gateway::test {

// The required fields only: `name`, base path "/<name>", and an upstream on loopback.
inline domain::ApiSpec spec_named(const std::string& name) {
    domain::ApiSpec spec;
    spec.name = name;
    spec.base_path = "/" + name;
    spec.upstream_url = "http://127.0.0.1:9000/" + name;
    return spec;
}

// A JSON merge patch given as text.
inline boost::json::object patch_of(std::string_view json) {
    return boost::json::parse(json).as_object();
}

}  // namespace gateway::test
