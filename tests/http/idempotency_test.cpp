// Idempotency-Key on POST, PUT, PATCH and DELETE: a retry gets the first answer again
// and changes nothing twice; the same key with another request is refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <mutex>
#include <set>
#include <string>

#include "domain/ids.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/parallel_clients.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

std::string fresh_key() {
    return "retry-" + domain::new_api_id();
}

Response keyed_create(HttpClient& http, const json::object& body, const std::string& key) {
    return http.request("POST", "/apis", json::serialize(body), {{"Idempotency-Key", key}});
}

class IdempotencyKeyTest : public SharedServerTest {};

TEST_F(IdempotencyKeyTest, ARetriedCreateGetsTheFirstAnswerAndCreatesNothingMore) {
    auto http = client();
    const std::string name = unique_name();
    const std::string key = fresh_key();
    const Response first = keyed_create(http, minimal_api(name), key);
    ASSERT_TRUE(HasStatus(first, 201));
    EXPECT_FALSE(first.header("Idempotent-Replayed"));
    const Response retry = keyed_create(http, minimal_api(name), key);
    ASSERT_TRUE(HasStatus(retry, 201)) << "without the key, a retry is a 409: the name is taken";
    EXPECT_EQ(retry.header("Idempotent-Replayed").value_or(""), "true");
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(retry.header("Location"), first.header("Location"));
    EXPECT_EQ(retry.header("ETag"), first.header("ETag"));
}

TEST_F(IdempotencyKeyTest, TheSameKeyWithAnotherRequestIsRefused) {
    auto http = client();
    const std::string key = fresh_key();
    ASSERT_TRUE(HasStatus(keyed_create(http, minimal_api(unique_name()), key), 201));
    const std::string other = unique_name();
    EXPECT_TRUE(IsDetailError(keyed_create(http, minimal_api(other), key), 422));
    EXPECT_TRUE(IsDetailError(get_api(http, other), 404));
}

TEST_F(IdempotencyKeyTest, AQuotedKeyAndItsBareFormAreOneKey) {
    auto http = client();
    const std::string name = unique_name();
    const std::string key = fresh_key();
    ASSERT_TRUE(HasStatus(keyed_create(http, minimal_api(name), "\"" + key + "\""), 201));
    const Response retry = keyed_create(http, minimal_api(name), key);
    ASSERT_TRUE(HasStatus(retry, 201));
    EXPECT_EQ(retry.header("Idempotent-Replayed").value_or(""), "true");
}

TEST_F(IdempotencyKeyTest, AMalformedKeyIsABadRequestAndChangesNothing) {
    auto http = client();
    const std::string name = unique_name();
    for (const std::string& key :
         {std::string("\"unterminated"), std::string("\"\""), std::string("two words"),
          std::string(256, 'k'), std::string("\"tab\there\"")}) {
        EXPECT_TRUE(IsDetailError(keyed_create(http, minimal_api(name), key), 400)) << key;
    }
    // Two field lines are a list, which no single key is.
    RawConnection raw(server().port());
    const std::string body = json::serialize(minimal_api(name));
    raw.write(
        "POST /apis HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Idempotency-Key: one\r\nIdempotency-Key: two\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_TRUE(IsDetailError(raw.read_response(), 400));
    EXPECT_TRUE(IsDetailError(get_api(http, name), 404));
}

TEST_F(IdempotencyKeyTest, ARetriedPatchAndDeleteApplyOnce) {
    auto http = client();
    const std::string name = unique_name();
    must_create_api(http, minimal_api(name));
    const Headers patch_key{{"Idempotency-Key", fresh_key()}};
    for (int round = 0; round < 2; ++round) {
        const Response patched =
            patch_api(http, name, json::object{{"tags", json::array{"a"}}}, patch_key);
        ASSERT_TRUE(HasStatus(patched, 200));
        EXPECT_EQ(patched.json().at("revision"), 2) << "round " << round;
    }
    const Headers delete_key{{"Idempotency-Key", fresh_key()}};
    EXPECT_TRUE(HasStatus(delete_api(http, name, delete_key), 204));
    const Response again = delete_api(http, name, delete_key);
    EXPECT_TRUE(HasStatus(again, 204)) << "without the key, a retry is a 404";
    EXPECT_EQ(again.header("Idempotent-Replayed").value_or(""), "true");
}

TEST_F(IdempotencyKeyTest, AKeyWhoseRequestFailedMayBeSentAgain) {
    auto http = client();
    const std::string name = unique_name();
    const Headers key{{"Idempotency-Key", fresh_key()}};
    json::object body = minimal_api(name);
    EXPECT_TRUE(IsDetailError(replace_api(http, name, body, key), 404));
    must_create_api(http, minimal_api(name));
    const Response replaced = replace_api(http, name, body, key);
    EXPECT_TRUE(HasStatus(replaced, 200));
    EXPECT_FALSE(replaced.header("Idempotent-Replayed"));
}

// Retries racing the first request: one API, and every 201 names it. A retry that meets
// the first still running may be told so (409) rather than wait.
TEST_F(IdempotencyKeyTest, ConcurrentRetriesCreateOneApi) {
    const std::string name = unique_name();
    const std::string key = fresh_key();
    std::mutex mutex;
    std::set<std::string> locations;
    int created = 0;
    const auto errors = run_concurrently(server().port(), 8, [&](int, HttpClient& each) {
        const Response answer = keyed_create(each, minimal_api(name), key);
        if (answer.status != 201 && answer.status != 409) {
            throw std::runtime_error("status " + std::to_string(answer.status) + ": " +
                                     answer.body);
        }
        if (answer.status == 409 && answer.body.find("Idempotency-Key") == std::string::npos) {
            throw std::runtime_error("a 409 that is not about the key: " + answer.body);
        }
        std::lock_guard lock(mutex);
        if (answer.status == 201) {
            ++created;
            locations.insert(answer.header("Location").value_or("?"));
        }
    });
    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_GE(created, 1);
    EXPECT_EQ(locations.size(), 1u);
}

}  // namespace
}  // namespace gateway::test
