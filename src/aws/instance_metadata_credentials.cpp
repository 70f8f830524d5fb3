// The last source of the chain: the EC2 instance metadata service, IMDSv2 only. A
// session token is fetched with PUT and sent with every GET; the role attached to the
// instance is looked up, then its credentials. Without IMDSv1 fallback: a host whose
// metadata service refuses tokens gets a clear reason instead of a weaker protocol.
#include <algorithm>

#include "aws/credential_provider.hpp"

#include "aws/http_client.hpp"
#include "aws/metadata_credentials_json.hpp"
#include "config/env_value.hpp"
#include "domain/ascii_space.hpp"

namespace gateway::aws {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kRolesPath = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
// The longest lifetime IMDS grants a session token, as the SDKs ask for.
constexpr std::chrono::seconds kTokenTtl{21600};

// Role names hold [A-Za-z0-9+=,.@_-]; anything else is escaped rather than trusted.
std::string path_segment(std::string_view role) {
    constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : role) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') ||
                           std::string_view("+=,.@_-").find(c) != std::string_view::npos;
        if (plain) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

class InstanceMetadataProvider final : public CredentialProvider {
  public:
    InstanceMetadataProvider(const config::EnvMap& env, const CredentialChainOptions& options)
        : env_(env), options_(options) {}

    std::string_view name() const override { return "instance metadata"; }

    ProviderResult resolve() override {
        if (const auto disabled = config::lookup(env_, "AWS_EC2_METADATA_DISABLED");
            disabled && config::iequals(*disabled, "true")) {
            return not_configured("AWS_EC2_METADATA_DISABLED=true");
        }
        const std::string base = endpoint();
        const auto roles = get(base, std::string(kRolesPath));
        if (!roles) return failed(roles.error());
        if (roles->status == 404) return failed("no IAM role is attached to the instance");
        if (roles->status != 200) {
            return failed(base + " answered HTTP " + std::to_string(roles->status) +
                          " for the instance's role");
        }
        // One role per instance profile; the listing ends with a newline.
        const std::string_view listing = roles->body;
        const std::string_view role =
            domain::trim_ascii_space(listing.substr(0, listing.find('\n')));
        if (role.empty()) return failed("no IAM role is attached to the instance");

        const auto document = get(base, std::string(kRolesPath) + path_segment(role));
        if (!document) return failed(document.error());
        if (document->status != 200) {
            return failed(base + " answered HTTP " + std::to_string(document->status) +
                          " for the credentials of role " + path_segment(role));
        }
        auto credentials = parse_metadata_credentials(document->body);
        if (!credentials) {
            return failed("unusable answer from " + base + ": " + credentials.error());
        }
        credentials->provider = std::string(name());
        return std::move(*credentials);
    }

  private:
    std::string endpoint() const {
        if (const auto configured = config::lookup(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
            std::string_view url = *configured;
            while (url.ends_with('/')) url.remove_suffix(1);
            return std::string(url);
        }
        const auto mode = config::lookup(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
        if (mode && config::iequals(*mode, "IPv6")) return "http://[fd00:ec2::254]";
        return "http://169.254.169.254";
    }

    HttpRequest request(std::string method, std::string url) const {
        HttpRequest request;
        request.method = std::move(method);
        request.url = std::move(url);
        request.connect_timeout = options_.instance_metadata.connect;
        request.total_timeout = options_.instance_metadata.total;
        return request;
    }

    std::string describe(const HttpError& error, const std::string& base) const {
        if (error.timed_out) {
            return "no answer from " + base + " within " +
                   std::to_string(options_.instance_metadata.total.count()) + " ms";
        }
        return base + ": " + error.message;
    }

    // A GET with the session token. A 401 means IMDS no longer knows the cached token
    // (it restarted, or the clock jumped): one new token, one more try.
    domain::Expected<HttpResponse, std::string> get(const std::string& base,
                                                    const std::string& path) {
        for (int attempt = 0;; ++attempt) {
            const auto token = session_token(base);
            if (!token) return domain::unexpected(token.error());
            HttpRequest get_request = request("GET", base + path);
            get_request.headers.emplace_back(kTokenHeader, *token);
            auto response = perform(get_request);
            if (!response) return domain::unexpected(describe(response.error(), base));
            if (response->status == 401 && attempt == 0) {
                token_.clear();
                continue;
            }
            return std::move(*response);
        }
    }

    domain::Expected<std::string, std::string> session_token(const std::string& base) {
        const auto now = options_.clock();
        if (!token_.empty() && token_base_ == base && now < token_valid_until_) return token_;
        token_.clear();

        HttpRequest put = request("PUT", base + std::string(kTokenPath));
        put.headers.emplace_back(kTtlHeader, std::to_string(kTokenTtl.count()));
        const auto response = perform(put);
        if (!response) return domain::unexpected(describe(response.error(), base));
        if (response->status != 200) {
            std::string reason = base + " refused an IMDSv2 session token (HTTP " +
                                 std::to_string(response->status) + ")";
            // 403: IMDS is switched off for the instance; 404/405: no IMDSv2 here at all.
            if (response->status == 403 || response->status == 404 || response->status == 405) {
                reason += "; IMDSv1 is not used";
            }
            return domain::unexpected(std::move(reason));
        }
        const std::string_view token = domain::trim_ascii_space(response->body);
        if (token.empty() || token.find_first_of("\r\n") != std::string_view::npos) {
            return domain::unexpected(base + " sent an unusable IMDSv2 session token");
        }
        // IMDS says how long the token lives; a shorter grant than asked is honoured.
        std::chrono::seconds ttl = kTokenTtl;
        if (const auto header = response->header("x-aws-ec2-metadata-token-ttl-seconds")) {
            if (const auto granted = config::parse_integer(*header, 1, kTokenTtl.count())) {
                ttl = std::chrono::seconds(*granted);
            }
        }
        // Renewed a little early, so that a token never expires between check and use.
        token_valid_until_ = now + ttl - std::min<std::chrono::seconds>(ttl / 2, 60s);
        token_base_ = base;
        token_ = std::string(token);
        return token_;
    }

    const config::EnvMap& env_;
    const CredentialChainOptions& options_;
    std::string token_;
    std::string token_base_;
    std::chrono::system_clock::time_point token_valid_until_;
};

}  // namespace

std::unique_ptr<CredentialProvider> make_instance_metadata_provider(
    const config::EnvMap& env, const CredentialChainOptions& options) {
    return std::make_unique<InstanceMetadataProvider>(env, options);
}

}  // namespace gateway::aws
