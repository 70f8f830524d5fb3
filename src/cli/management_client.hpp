// A blocking client of a running instance's HTTP API, for the export and import
// commands. Every request is bounded (connect and total timeouts), carries the API key
// when one is configured, and is sent again, at most twice, when it got no answer or a
// 503: reads are safe to repeat, and writes carry an Idempotency-Key that makes the
// server answer a repeat without applying it twice.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "cli/connection_options.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

// The instance could not be asked, or answered something unusable. The message names
// the request (method and URL, which holds no credentials), never the API key.
struct ClientError {
    std::string message;
};

struct Reply {
    long status = 0;
    std::string body;
};

class ManagementClient {
  public:
    explicit ManagementClient(ConnectionOptions options);

    // Every API, following next_cursor from the first page to the last, in the server's
    // order.
    domain::Expected<std::vector<boost::json::object>, ClientError> list_apis() const;

    // One request to `path` (starting with '/'); `body`, when not empty, is sent as JSON.
    // A write (anything but GET) gets a fresh Idempotency-Key, kept across its repeats.
    domain::Expected<Reply, ClientError> send(
        std::string_view method, std::string_view path, const std::string& body = {},
        const std::optional<std::string>& if_match = std::nullopt) const;

    const std::string& base_url() const { return options_.base_url; }

  private:
    ConnectionOptions options_;
};

// What a refusal says, for a person: the `detail` of the server's error body (each
// entry of a 422 as "field: message"), or else the status alone.
std::string refusal_detail(const Reply& reply);

}  // namespace gateway::cli
