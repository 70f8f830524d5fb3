// The fixture of the credential chain's AWS tests: the Node stand-ins for instance
// metadata, the container endpoint and STS (node/credential-endpoints.mjs), a clock the
// test moves, and an empty HOME so that the developer's own ~/.aws never takes part.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "aws/credential_chain.hpp"
#include "support/http_client.hpp"
#include "support/node_stand_in.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::test {

// The system clock plus an offset the test advances. The stand-ins' clock moves with it
// (advance_clock), so the expirations they write stay in step with what the chain sees.
class TestClock {
  public:
    std::chrono::system_clock::time_point now() const {
        return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms_.load());
    }
    void advance(std::chrono::milliseconds by) { offset_ms_ += by.count(); }
    std::chrono::milliseconds offset() const {
        return std::chrono::milliseconds(offset_ms_.load());
    }

  private:
    std::atomic<long long> offset_ms_{0};
};

class CredentialEndpointsTest : public ::testing::Test {
  protected:
    CredentialEndpointsTest()
        : endpoints_(std::string(GATEWAY_AWS_NODE_DIR) + "/credential-endpoints.mjs") {}

    // Merges settings into the stand-ins (see the script's header for the names).
    void configure(std::string_view json) {
        const Response response = control("POST", "/__control", json);
        ASSERT_EQ(response.status, 200u) << response.body;
    }

    // Moves the chain's clock and the stand-ins' together.
    void advance_clock(std::chrono::milliseconds by) {
        clock_.advance(by);
        configure("{\"clockOffsetMs\": " + std::to_string(clock_.offset().count()) + "}");
    }

    boost::json::object stats() { return control("GET", "/__stats").json().as_object(); }

    std::int64_t count(std::string_view name) { return stats().at("counts").at(name).as_int64(); }

    // A value the stand-ins saw last, such as "containerAuthorization"; "" when none.
    std::string last(std::string_view name) {
        const auto all = stats();
        const auto& seen = all.at("last").as_object();
        const auto* value = seen.if_contains(name);
        return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
    }

    std::string last_sts_field(std::string_view name) {
        const auto all = stats();
        const auto* form = all.at("last").as_object().if_contains("stsForm");
        if (form == nullptr) return "";
        const auto* value = form->as_object().if_contains(name);
        return value != nullptr ? std::string(value->as_string()) : "";
    }

    // Nothing but an empty HOME: every source absent, instance metadata switched off.
    config::EnvMap isolated_env() const {
        return {{"HOME", home_.path().string()}, {"AWS_EC2_METADATA_DISABLED", "true"}};
    }

    // Instance metadata at the stand-in, nothing else.
    config::EnvMap imds_env() const {
        return {{"HOME", home_.path().string()},
                {"AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoints_.base_url()}};
    }

    aws::CredentialChainOptions options() {
        aws::CredentialChainOptions options;
        options.clock = [this] { return clock_.now(); };
        return options;
    }

    std::string container_url() const { return endpoints_.base_url() + "/v2/credentials/task"; }

    static void expect_no_secret(std::string_view text,
                                 std::initializer_list<std::string_view> secrets) {
        for (const auto secret : secrets) {
            EXPECT_EQ(text.find(secret), std::string_view::npos)
                << "\"" << secret << "\" appears in: " << text;
        }
    }

    TestClock clock_;
    TemporaryDirectory home_;
    NodeStandIn endpoints_;

  private:
    // A new connection each time: the stand-in may close an idle one at any moment.
    Response control(std::string_view method, std::string_view target, std::string_view body = {}) {
        HttpClient client(endpoints_.port());
        return client.request(method, target, body);
    }
};

}  // namespace gateway::test
