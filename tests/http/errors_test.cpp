// The contract's error answers: 400, 404, 405, 413 and 415, in FastAPI's shape.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <sstream>
#include <string>

#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

constexpr std::size_t kBodyLimit = std::size_t{1024} * 1024;

using RequestErrors = SharedServerTest;

// A valid API body whose description pads its JSON text to exactly `size` bytes.
std::string api_body_of_size(std::size_t size) {
    json::object body = minimal_api(unique_name());
    body["description"] = "";
    const std::size_t unpadded = json_text(body).size();
    body["description"] = std::string(size - unpadded, 'd');
    return json_text(body);
}

TEST_F(RequestErrors, MalformedJsonIsBadRequest) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(http.request("POST", "/apis", R"({"name": "x",)"), 400));
}

TEST_F(RequestErrors, MalformedJsonIsBadRequestOnUpdates) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    EXPECT_TRUE(IsDetailError(http.request("PUT", "/apis/" + name, "{nope"), 400));
    EXPECT_TRUE(IsDetailError(http.request("PATCH", "/apis/" + name, "{nope",
                                           {{"Content-Type", "application/merge-patch+json"}}),
                              400));
}

class BodyNotAnObject : public SharedServerTest,
                        public ::testing::WithParamInterface<const char*> {};

TEST_P(BodyNotAnObject, IsBadRequest) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    EXPECT_TRUE(IsDetailError(http.request("POST", "/apis", GetParam()), 400));
    EXPECT_TRUE(IsDetailError(http.request("PUT", "/apis/" + name, GetParam()), 400));
    EXPECT_TRUE(IsDetailError(http.request("PATCH", "/apis/" + name, GetParam(),
                                           {{"Content-Type", "application/merge-patch+json"}}),
                              400));
}

INSTANTIATE_TEST_SUITE_P(Json, BodyNotAnObject,
                         ::testing::Values("[]", "[{\"name\": \"a\"}]", "\"text\"", "42", "null",
                                           "true"));

TEST_F(RequestErrors, BodyOverOneMebibyteIsTooLarge) {
    auto http = client();
    const Response response = http.request("POST", "/apis", api_body_of_size(kBodyLimit + 1));
    EXPECT_TRUE(IsDetailError(response, 413));
    auto other = client();
    EXPECT_TRUE(HasStatus(other.request("GET", "/health"), 200));
}

TEST_F(RequestErrors, ChunkedBodyOverOneMebibyteIsTooLarge) {
    RawConnection connection(server().port());
    std::string request =
        "POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(std::size_t{64} * 1024, 'x');
    for (std::size_t sent = 0; sent <= kBodyLimit; sent += chunk.size()) {
        request += "10000\r\n" + chunk + "\r\n";
    }
    request += "0\r\n\r\n";
    EXPECT_TRUE(IsDetailError(connection.exchange(request), 413));
    auto other = client();
    EXPECT_TRUE(HasStatus(other.request("GET", "/health"), 200));
}

TEST_F(RequestErrors, DeclaredOversizedBodyIsRefusedWithoutWaitingForIt) {
    RawConnection connection(server().port());
    // Only the headers: the answer must come from the declared length alone.
    connection.write(
        "POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 5000000\r\n\r\n{");
    EXPECT_TRUE(IsDetailError(connection.read_response(), 413));
}

TEST_F(RequestErrors, InvalidUtf8IsRefused) {
    auto http = client();
    json::object body = minimal_api(unique_name());
    std::string text = json_text(body);
    text.insert(text.size() - 1, ",\"description\":\"bad \xff\xfe bytes\"");
    const Response response = http.request("POST", "/apis", text);
    EXPECT_TRUE(response.status == 400 || response.status == 422)
        << ::testing::PrintToString(response);
    EXPECT_TRUE(response.json().as_object().contains("detail")) << response.body;
}

TEST_F(RequestErrors, DeeplyNestedJsonIsBadRequest) {
    auto http = client();
    const std::string nested =
        "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    const Response response = http.request("POST", "/apis", nested);
    EXPECT_TRUE(response.status == 400 || response.status == 422)
        << ::testing::PrintToString(response);
    auto other = client();
    EXPECT_TRUE(HasStatus(other.request("GET", "/health"), 200));
}

TEST_F(RequestErrors, BodyOfExactlyOneMebibyteIsNotTooLarge) {
    auto http = client();
    const std::string body = api_body_of_size(kBodyLimit);
    ASSERT_EQ(body.size(), kBodyLimit);
    // Read in full and judged on its fields: the description is far too long.
    EXPECT_TRUE(IsValidationError(http.request("POST", "/apis", body), {"body", "description"}));
}

TEST_F(RequestErrors, NonJsonContentTypeIsUnsupported) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    const Headers text{{"Content-Type", "text/plain"}};
    const std::string body = json_text(minimal_api(name));
    EXPECT_TRUE(IsDetailError(http.request("POST", "/apis", body, text), 415));
    EXPECT_TRUE(IsDetailError(http.request("PUT", "/apis/" + name, body, text), 415));
    EXPECT_TRUE(IsDetailError(http.request("PATCH", "/apis/" + name, "{}", text), 415));
    EXPECT_TRUE(IsDetailError(http.request("POST", "/apis", body,
                                           {{"Content-Type", "application/x-www-form-urlencoded"}}),
                              415));
}

class UnknownPath : public SharedServerTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(UnknownPath, IsNotFound) {
    auto http = client();
    const Response response = http.request("GET", GetParam());
    ASSERT_TRUE(IsDetailError(response, 404));
    EXPECT_EQ(response.json(), (json::object{{"detail", "Not Found"}}));
}

INSTANTIATE_TEST_SUITE_P(Paths, UnknownPath,
                         ::testing::Values("/", "/nope", "/apis/some/thing", "/health/extra",
                                           "/openapi.yaml"));

struct WrongMethod {
    const char* method;
    const char* target;
    std::set<std::string> allowed;  // must all be in the Allow header
};

class MethodNotAllowed : public SharedServerTest,
                         public ::testing::WithParamInterface<WrongMethod> {};

TEST_P(MethodNotAllowed, ListsTheAllowedMethods) {
    auto http = client();
    const Response response = http.request(GetParam().method, GetParam().target);
    ASSERT_TRUE(IsDetailError(response, 405));
    EXPECT_EQ(response.json(), (json::object{{"detail", "Method Not Allowed"}}));
    const std::set<std::string> allowed = allowed_methods(response);
    for (const auto& method : GetParam().allowed) {
        EXPECT_TRUE(allowed.contains(method))
            << method << " missing from Allow: " << response.header("Allow").value_or("(none)");
    }
    EXPECT_FALSE(allowed.contains(GetParam().method));
}

INSTANTIATE_TEST_SUITE_P(
    Routes, MethodNotAllowed,
    ::testing::Values(WrongMethod{"DELETE", "/apis", {"GET", "POST"}},
                      WrongMethod{"PUT", "/apis", {"GET", "POST"}},
                      WrongMethod{"PATCH", "/apis", {"GET", "POST"}},
                      WrongMethod{"POST", "/apis/some-api", {"GET", "PUT", "PATCH", "DELETE"}},
                      WrongMethod{"POST", "/health", {"GET"}},
                      WrongMethod{"DELETE", "/health", {"GET"}},
                      WrongMethod{"PUT", "/openapi.json", {"GET"}}),
    [](const auto& info) {
        std::string name = std::string(info.param.method) + info.param.target;
        for (char& c : name) {
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        }
        return name;
    });

}  // namespace
}  // namespace gateway::test
