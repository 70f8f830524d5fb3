#include "http/response_head.hpp"

#include <charconv>
#include <ctime>

#include <boost/beast/http/status.hpp>

namespace gateway::http {

const std::string& DateCache::now() {
    const auto now = std::chrono::system_clock::now();
    const auto second =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (second != second_) {
        second_ = second;
        const std::time_t t = static_cast<std::time_t>(second);
        std::tm utc{};
        gmtime_r(&t, &utc);
        char buffer[64];
        const std::size_t n =
            std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        value_.assign(buffer, n);
    }
    return value_;
}

namespace {

void append_number(std::string& out, std::size_t value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

}  // namespace

void append_response_head(std::string& out, const api::Response& response, unsigned version,
                          bool keep_alive, const std::string& date) {
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_number(out, response.status);
    out += ' ';
    const auto reason = boost::beast::http::obsolete_reason(
        static_cast<boost::beast::http::status>(response.status));
    out.append(reason.data(), reason.size());
    out += "\r\nDate: ";
    out += date;
    out += "\r\nServer: gateway-api\r\n";
    if (!response.content_type.empty()) {
        out += "Content-Type: ";
        out += response.content_type;
        out += "\r\n";
    }
    for (const auto& [name, value] : response.headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (response.status != 204 && response.status != 304) {
        out += "Content-Length: ";
        append_number(out, response.body.size());
        out += "\r\n";
    }
    // HTTP/1.1 is persistent unless told otherwise; HTTP/1.0 only when told so.
    if (!keep_alive) {
        out += "Connection: close\r\n";
    } else if (version == 10) {
        out += "Connection: keep-alive\r\n";
    }
    out += "\r\n";
}

}  // namespace gateway::http
