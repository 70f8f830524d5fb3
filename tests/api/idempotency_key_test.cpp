// Reading Idempotency-Key values, and what makes two requests the same one.
#include "api/idempotency_key.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gateway::api {
namespace {

TEST(IdempotencyKeyHeader, AStructuredFieldStringIsUnquoted) {
    EXPECT_EQ(parse_idempotency_key("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"").value(),
              "8e03978e-40d5-43e8-bc93-6894a57f9324");
    EXPECT_EQ(parse_idempotency_key(R"("with \"quotes\" and \\")").value(),
              R"(with "quotes" and \)");
    EXPECT_EQ(parse_idempotency_key("  \"spaced out\"  ").value(), "spaced out");
}

TEST(IdempotencyKeyHeader, ABareTokenIsTakenAsItIs) {
    EXPECT_EQ(parse_idempotency_key("order-42").value(), "order-42");
    EXPECT_EQ(parse_idempotency_key("YWJj+/=").value(), "YWJj+/=");
}

TEST(IdempotencyKeyHeader, AnythingElseIsRefused) {
    for (const std::string& value :
         {std::string(), std::string("\"\""), std::string("\"open"), std::string("a, b"),
          std::string("\"a\", \"b\""), std::string("two words"), std::string("\"bad \\n escape\""),
          std::string("\"ctl\x01\""), std::string("caf\xc3\xa9"), std::string(256, 'k'),
          "\"" + std::string(256, 'k') + "\""}) {
        EXPECT_FALSE(parse_idempotency_key(value)) << value;
    }
    EXPECT_TRUE(parse_idempotency_key(std::string(255, 'k')));
}

TEST(RequestFingerprint, DependsOnMethodTargetIfMatchAndBody) {
    Request base;
    base.method = "POST";
    base.target = "/apis";
    base.body = R"({"name":"a"})";
    const std::string fingerprint = request_fingerprint(base);
    EXPECT_EQ(fingerprint.size(), 64u);
    EXPECT_EQ(request_fingerprint(base), fingerprint);

    Request other = base;
    other.method = "PUT";
    EXPECT_NE(request_fingerprint(other), fingerprint);
    other = base;
    other.target = "/apis/a";
    EXPECT_NE(request_fingerprint(other), fingerprint);
    other = base;
    other.body = R"({"name":"b"})";
    EXPECT_NE(request_fingerprint(other), fingerprint);
    other = base;
    other.if_match = "\"1\"";
    EXPECT_NE(request_fingerprint(other), fingerprint);
    // Parts are delimited: moving bytes from one part to the next is another request.
    Request shifted = base;
    shifted.target = "/apis/";
    shifted.body = "{\"name\":\"a\"}";
    Request moved = base;
    moved.target = "/apis";
    moved.body = "/{\"name\":\"a\"}";
    EXPECT_NE(request_fingerprint(shifted), request_fingerprint(moved));
}

}  // namespace
}  // namespace gateway::api
