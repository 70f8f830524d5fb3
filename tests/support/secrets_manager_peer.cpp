#include "support/secrets_manager_peer.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

#include "support/http_client.hpp"

namespace gateway::test {

namespace {

std::vector<std::string> peer_arguments(const std::string& region,
                                        const TestAwsCredentials& credentials) {
    std::vector<std::string> args{"--region",
                                  region,
                                  "--access-key-id",
                                  credentials.access_key_id,
                                  "--secret-access-key",
                                  credentials.secret_access_key};
    if (!credentials.session_token.empty()) {
        args.insert(args.end(), {"--session-token", credentials.session_token});
    }
    return args;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    for (std::size_t at = 0; at < bytes.size(); at += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - at);
        std::uint32_t group = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            const auto byte = i < n ? static_cast<unsigned char>(bytes[at + i]) : 0u;
            group = (group << 8) | byte;
        }
        for (std::size_t i = 0; i < 4; ++i) {
            text += i <= n ? kAlphabet[(group >> (18 - 6 * i)) & 0x3F] : '=';
        }
    }
    return text;
}

SecretsManagerPeer::SecretsManagerPeer(const std::string& node_dir, std::string region,
                                       TestAwsCredentials credentials)
    : region_(std::move(region)),
      credentials_(std::move(credentials)),
      process_(node_dir + "/secrets-manager.mjs", peer_arguments(region_, credentials_)) {}

std::string SecretsManagerPeer::endpoint() const {
    return "http://127.0.0.1:" + std::to_string(process_.port());
}

void SecretsManagerPeer::control(std::string_view method, std::string_view target,
                                 const std::string& body) const {
    HttpClient client(process_.port());
    const Response response = client.request(method, target, body);
    if (response.status != 200) {
        throw std::runtime_error("the Secrets Manager stand-in refused " + std::string(target) +
                                 ": " + std::to_string(response.status) + " " + response.body);
    }
}

void SecretsManagerPeer::put_secret_string(std::string_view id, std::string_view text) {
    control("PUT", "/control/secret",
            boost::json::serialize(boost::json::object{{"id", id}, {"string", text}}));
}

void SecretsManagerPeer::put_secret_binary(std::string_view id, std::string_view bytes) {
    control(
        "PUT", "/control/secret",
        boost::json::serialize(boost::json::object{{"id", id}, {"binary", base64_encode(bytes)}}));
}

void SecretsManagerPeer::put_denied_secret(std::string_view id) {
    control(
        "PUT", "/control/secret",
        boost::json::serialize(boost::json::object{{"id", id}, {"string", "{}"}, {"deny", true}}));
}

void SecretsManagerPeer::fail_next(int count, std::string_view type, int status) {
    control("POST", "/control/fail-next",
            boost::json::serialize(
                boost::json::object{{"count", count}, {"type", type}, {"status", status}}));
}

SecretsManagerStats SecretsManagerPeer::stats() const {
    HttpClient client(process_.port());
    const Response response = client.request("GET", "/control/stats");
    if (response.status != 200) {
        throw std::runtime_error("the Secrets Manager stand-in has no stats: " + response.body);
    }
    const auto json = response.json().as_object();
    SecretsManagerStats stats;
    stats.requests = static_cast<int>(json.at("requests").to_number<double>());
    stats.served = static_cast<int>(json.at("served").to_number<double>());
    for (const auto& [type, count] : json.at("errors").as_object()) {
        stats.errors[std::string(type)] = static_cast<int>(count.to_number<double>());
    }
    return stats;
}

Environment SecretsManagerPeer::server_environment(std::string_view secret_id) const {
    Environment env{{"AWS_DB_SECRET", std::string(secret_id)},
                    {"AWS_REGION", region_},
                    {"AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint()},
                    {"AWS_ACCESS_KEY_ID", credentials_.access_key_id},
                    {"AWS_SECRET_ACCESS_KEY", credentials_.secret_access_key}};
    if (!credentials_.session_token.empty()) {
        env["AWS_SESSION_TOKEN"] = credentials_.session_token;
    }
    return env;
}

}  // namespace gateway::test
