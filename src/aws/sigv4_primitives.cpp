#include "aws/sigv4_primitives.hpp"

#include <openssl/crypto.h>

#include <cstdio>
#include <vector>

#include "aws/uri_encoding.hpp"

namespace gateway::aws {
namespace {

std::string normalized_path(std::string_view path) {
    std::vector<std::string_view> segments;
    std::string_view rest = path;
    while (!rest.empty()) {
        const std::size_t slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
        } else {
            segments.push_back(segment);
        }
    }
    std::string normalized = "/";
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (i > 0) normalized += '/';
        normalized += segments[i];
    }
    if (!segments.empty() && path.ends_with('/')) normalized += '/';
    return normalized;
}

std::string encode_keeping_slashes(std::string_view path) {
    std::string encoded;
    encoded.reserve(path.size());
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = path.find('/', start);
        encoded += uri_encode(path.substr(start, slash - start));
        if (slash == std::string_view::npos) break;
        encoded += '/';
        start = slash + 1;
    }
    return encoded;
}

}  // namespace

std::string amz_long_date(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto seconds = floor<std::chrono::seconds>(time);
    const auto day = floor<days>(seconds);
    const year_month_day date{day};
    const hh_mm_ss clock{seconds - day};
    char text[32];
    std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()));
    return text;
}

std::string amz_short_date(std::chrono::system_clock::time_point time) {
    return amz_long_date(time).substr(0, 8);
}

std::string credential_scope(std::string_view short_date, std::string_view region,
                             std::string_view service) {
    std::string scope;
    scope.reserve(short_date.size() + region.size() + service.size() + 16);
    scope.append(short_date).append("/").append(region).append("/").append(service);
    scope.append("/aws4_request");
    return scope;
}

std::string canonical_path(std::string_view path, const SigningOptions& options) {
    std::string absolute = path.starts_with('/') ? std::string(path) : "/" + std::string(path);
    if (options.normalize_path) absolute = normalized_path(absolute);
    if (options.uri_escape_path) absolute = encode_keeping_slashes(absolute);
    return absolute;
}

std::string canonical_request(std::string_view method, std::string_view canonical_path,
                              std::string_view canonical_query, std::string_view header_lines,
                              std::string_view signed_headers, std::string_view payload_hash) {
    std::string request;
    request.append(method).append("\n");
    request.append(canonical_path).append("\n");
    request.append(canonical_query).append("\n");
    // Each header line ends in '\n', and a blank line closes the block.
    request.append(header_lines).append("\n\n");
    request.append(signed_headers).append("\n");
    request.append(payload_hash);
    return request;
}

std::string string_to_sign(std::string_view long_date, std::string_view scope,
                           std::string_view canonical_request) {
    std::string text;
    text.append(kSigV4Algorithm).append("\n");
    text.append(long_date).append("\n");
    text.append(scope).append("\n");
    text.append(lower_hex(sha256(canonical_request)));
    return text;
}

Sha256Digest signing_key(std::string_view secret_access_key, std::string_view short_date,
                         std::string_view region, std::string_view service) {
    std::string initial_key = "AWS4";
    initial_key.append(secret_access_key);
    Sha256Digest key = hmac_sha256(initial_key, short_date);
    OPENSSL_cleanse(initial_key.data(), initial_key.size());
    key = hmac_sha256(as_bytes(key), region);
    key = hmac_sha256(as_bytes(key), service);
    return hmac_sha256(as_bytes(key), "aws4_request");
}

std::string signature(const Sha256Digest& signing_key, std::string_view string_to_sign) {
    return lower_hex(hmac_sha256(as_bytes(signing_key), string_to_sign));
}

}  // namespace gateway::aws
