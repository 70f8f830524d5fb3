// A small blocking HTTPS client on libcurl for the AWS calls (Secrets Manager, STS, the
// container and instance metadata endpoints). Every call is bounded by its timeout and
// verifies TLS against the system CAs or a given bundle. Callers run it off the server's
// event loops.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.hpp"

namespace gateway::aws {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HttpHeaders headers;
    std::string body;
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds total_timeout{5000};
    std::optional<std::string> ca_bundle;  // AWS_CA_BUNDLE: a PEM file instead of the system CAs
};

struct HttpResponse {
    long status = 0;
    HttpHeaders headers;  // names lower-cased
    std::string body;

    // The first header of that (lower-case) name.
    std::optional<std::string_view> header(std::string_view lower_case_name) const;
};

// A failure below HTTP: refused, timed out, TLS verification failed, bad URL.
struct HttpError {
    std::string message;  // never contains request headers or the body
    bool timed_out = false;
};

domain::Expected<HttpResponse, HttpError> perform(const HttpRequest& request);

}  // namespace gateway::aws
