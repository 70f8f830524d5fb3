// Domain-level API specs and patches for tests that drive the stores directly.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "domain/api.hpp"
#include "domain/audit.hpp"

namespace gateway::test {

// The required fields only: `name`, base path "/<name>", and an upstream on loopback.
inline domain::ApiSpec spec_named(const std::string& name) {
    domain::ApiSpec spec;
    spec.name = name;
    spec.base_path = "/" + name;
    spec.upstream_url = "http://127.0.0.1:9000/" + name;
    return spec;
}

// Who a test's writes come from, for their audit records.
inline domain::ChangeOrigin test_origin() {
    return domain::ChangeOrigin{"tester", "127.0.0.1", "test-request"};
}

// A JSON merge patch given as text.
inline boost::json::object patch_of(std::string_view json) {
    return boost::json::parse(json).as_object();
}

}  // namespace gateway::test
