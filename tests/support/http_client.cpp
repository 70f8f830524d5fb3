#include "support/http_client.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sstream>

namespace gateway::test {

namespace http = boost::beast::http;

std::string serialize_request(std::string_view method, std::string_view target,
                              std::string_view body, const Headers& headers) {
    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.insert(name, value);
    if (!body.empty() && request.find(http::field::content_type) == request.end()) {
        request.set(http::field::content_type, "application/json");
    }
    request.body() = std::string(body);
    request.prepare_payload();
    std::ostringstream bytes;
    bytes << request;
    return bytes.str();
}

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : port_(port), timeout_(timeout) {}

void HttpClient::connect() {
    if (!connection_ || !connection_->is_open()) {
        connection_ = std::make_unique<RawConnection>(port_, timeout_);
        ++connections_opened_;
    }
}

Response HttpClient::request(std::string_view method, std::string_view target,
                             std::string_view body, const Headers& headers) {
    connect();
    Response response = connection_->exchange(serialize_request(method, target, body, headers));
    if (!response.keep_alive) connection_.reset();
    return response;
}

}  // namespace gateway::test
