// A small synchronous HTTP/1.1 client over one keep-alive connection to 127.0.0.1.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "support/http_response.hpp"
#include "support/raw_connection.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {

class HttpClient {
  public:
    explicit HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = kIoTimeout);

    // Sends one request and reads its response. A non-empty body gets
    // `Content-Type: application/json` unless `headers` names another Content-Type.
    // Reuses the connection while the server keeps it alive; opens a new one after
    // the server said it closes. Throws std::runtime_error on I/O failure or timeout.
    Response request(std::string_view method, std::string_view target, std::string_view body = {},
                     const Headers& headers = {});

    // Opens the connection now rather than with the first request, so that a test can
    // have many clients connected before any of them sends.
    void connect();

    // How many TCP connections this client has opened, to observe keep-alive.
    int connections_opened() const { return connections_opened_; }

  private:
    std::uint16_t port_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<RawConnection> connection_;
    int connections_opened_ = 0;
};

// The bytes of one HTTP/1.1 request, as HttpClient sends it; tests that pipeline or
// cut requests short build on this.
std::string serialize_request(std::string_view method, std::string_view target,
                              std::string_view body = {}, const Headers& headers = {});

}  // namespace gateway::test
