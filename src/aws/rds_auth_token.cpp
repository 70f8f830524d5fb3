#include "aws/rds_auth_token.hpp"

#include "aws/sigv4.hpp"
#include "aws/uri_encoding.hpp"

namespace gateway::aws {

std::string rds_auth_token(std::string_view host, std::uint16_t port, std::string_view user,
                           const RdsTokenScope& scope, const Credentials& credentials) {
    const std::string host_and_port = std::string(host) + ":" + std::to_string(port);
    RequestToSign request;
    request.method = "GET";
    request.path = "/";
    request.query = "Action=connect&DBUser=" + uri_encode(user);
    // The signed host header names the port, whatever it is: the SDK signs it so.
    request.headers = {{"host", host_and_port}};
    const SigningScope signing_scope{scope.region, "rds-db", scope.time};
    const std::string query =
        presign_query(request, credentials, signing_scope, kRdsAuthTokenLifetime);
    // The SDK writes the URL's authority without a port when the port is 0 (its "no port").
    const std::string authority = port != 0 ? host_and_port : std::string(host);
    return authority + "/?" + query;
}

}  // namespace gateway::aws
