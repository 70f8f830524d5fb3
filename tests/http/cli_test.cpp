// The command line and start-up: --help and --version, and settings that must stop the
// server from starting with a message naming the variable.
#include <gtest/gtest.h>

#include <string>

#include "support/run_binary.hpp"

namespace gateway::test {
namespace {

std::string shown(const CompletedRun& run) {
    return "exit " + (run.exit_code ? std::to_string(*run.exit_code) : "(killed at deadline)") +
           ", output:\n" + run.output;
}

TEST(CommandLine, HelpPrintsUsageAndExitsZero) {
    const CompletedRun run = run_to_completion({"--help"});
    EXPECT_EQ(run.exit_code, 0) << shown(run);
    EXPECT_FALSE(run.output.empty());
    EXPECT_EQ(run.output.find("listening on"), std::string::npos) << shown(run);
}

TEST(CommandLine, VersionPrintsTheVersionAndExitsZero) {
    const CompletedRun run = run_to_completion({"--version"});
    EXPECT_EQ(run.exit_code, 0) << shown(run);
    EXPECT_NE(run.output.find("1.0.0"), std::string::npos) << shown(run);
    EXPECT_EQ(run.output.find("listening on"), std::string::npos) << shown(run);
}

struct BadSetting {
    const char* variable;
    const char* value;
};

class StartUpRefuses : public ::testing::TestWithParam<BadSetting> {};

TEST_P(StartUpRefuses, NamingTheVariable) {
    const CompletedRun run = run_to_completion({}, {{GetParam().variable, GetParam().value}});
    ASSERT_TRUE(run.exit_code.has_value()) << "the server started anyway: " << shown(run);
    EXPECT_NE(run.exit_code, 0) << shown(run);
    EXPECT_NE(run.output.find(GetParam().variable), std::string::npos) << shown(run);
    EXPECT_EQ(run.output.find("listening on"), std::string::npos) << shown(run);
}

INSTANTIATE_TEST_SUITE_P(
    Settings, StartUpRefuses,
    ::testing::Values(BadSetting{"PORT", "abc"}, BadSetting{"PORT", "70000"},
                      BadSetting{"PORT", "-1"}, BadSetting{"WORKERS", "0"},
                      BadSetting{"WORKERS", "many"}, BadSetting{"LOG_FORMAT", "xml"},
                      BadSetting{"LOG_LEVEL", "loud"}, BadSetting{"HTTP_READ_TIMEOUT", "soon"},
                      BadSetting{"HTTP_IDLE_TIMEOUT", "-3"}, BadSetting{"SHUTDOWN_TIMEOUT", "x"},
                      BadSetting{"DB_POOL_SIZE", "abc"}, BadSetting{"DB_POOL_PRE_PING", "maybe"},
                      BadSetting{"DB_CONNECT_TIMEOUT", "never"}, BadSetting{"DB_FALLBACK", "tape"}),
    [](const auto& info) {
        return std::string(info.param.variable) + "_" + std::to_string(info.index);
    });

TEST(StartUp, RefusesToFallBackWhenFallbackIsNone) {
    // Nothing listens on port 1, so the only source fails its pre-flight check.
    const std::string password = "S3cretPassw0rd-9c2e";
    const CompletedRun run = run_to_completion(
        {}, {{"DB_FALLBACK", "none"},
             {"DB_CONNECT_TIMEOUT", "2"},
             {"DATABASE_URL", "postgresql://gateway:" + password + "@127.0.0.1:1/gateway"}});
    ASSERT_TRUE(run.exit_code.has_value()) << "the server started anyway: " << shown(run);
    EXPECT_NE(run.exit_code, 0) << shown(run);
    EXPECT_FALSE(run.output.empty()) << "no message saying why";
    EXPECT_EQ(run.output.find("listening on"), std::string::npos) << shown(run);
    EXPECT_EQ(run.output.find(password), std::string::npos) << shown(run);
}

}  // namespace
}  // namespace gateway::test
