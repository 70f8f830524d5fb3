// The shared files provider on real files in a temporary directory.
#include <gtest/gtest.h>

#include "aws/credential_provider.hpp"
#include "aws/shared_config_files.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::aws {
namespace {

using test::TemporaryDirectory;

class SharedFilesCredentials : public ::testing::Test {
  protected:
    ProviderResult resolve(config::EnvMap env) {
        env_ = std::move(env);
        return make_shared_files_provider(env_)->resolve();
    }

    // HOME pointing into the temporary directory, nothing else.
    config::EnvMap home() const { return {{"HOME", directory_.path().string()}}; }

    TemporaryDirectory directory_;
    config::EnvMap env_;
};

TEST_F(SharedFilesCredentials, DefaultProfileFromTheCredentialsFileUnderHome) {
    directory_.write(".aws/credentials",
                     "[default]\naws_access_key_id = AKIDFROMFILE\n"
                     "aws_secret_access_key = secret-from-file\n");
    const auto result = resolve(home());
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->access_key_id, "AKIDFROMFILE");
    EXPECT_EQ(result->secret_access_key, "secret-from-file");
    EXPECT_EQ(result->session_token, "");
    EXPECT_FALSE(result->expiration.has_value());
    EXPECT_EQ(result->provider, "shared files");
}

TEST_F(SharedFilesCredentials, ProfileFromTheConfigFileWithSessionToken) {
    directory_.write(".aws/config",
                     "[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n"
                     "aws_session_token = session\n");
    auto env = home();
    env["AWS_PROFILE"] = "dev";
    const auto result = resolve(env);
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->access_key_id, "AKIDDEV");
    EXPECT_EQ(result->session_token, "session");
}

TEST_F(SharedFilesCredentials, CredentialsFileWinsOverConfigFileKeyByKey) {
    directory_.write(".aws/config",
                     "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = config\n"
                     "aws_session_token = from-config\n");
    directory_.write(".aws/credentials",
                     "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds\n");
    const auto result = resolve(home());
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->access_key_id, "AKIDCREDS");
    EXPECT_EQ(result->secret_access_key, "creds");
    // Merged per property, as the SDKs do: the token only the config file has stays.
    EXPECT_EQ(result->session_token, "from-config");
}

TEST_F(SharedFilesCredentials, ExplicitFileLocationsWithTildeExpansion) {
    directory_.write("elsewhere/creds",
                     "[ops]\naws_access_key_id = AKIDOPS\n"
                     "aws_secret_access_key = ops\n");
    directory_.write("elsewhere/conf", "[profile other]\nregion = eu-west-1\n");
    auto env = home();
    env["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere/creds";
    env["AWS_CONFIG_FILE"] = (directory_.path() / "elsewhere/conf").string();
    env["AWS_PROFILE"] = "ops";
    const auto result = resolve(env);
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->access_key_id, "AKIDOPS");
}

TEST_F(SharedFilesCredentials, ExplicitFilesNeedNoHome) {
    const auto creds = directory_.write("c",
                                        "[default]\naws_access_key_id = A1234567890\n"
                                        "aws_secret_access_key = s\n");
    const auto result = resolve({{"AWS_SHARED_CREDENTIALS_FILE", creds},
                                 {"AWS_CONFIG_FILE", (directory_.path() / "none").string()}});
    ASSERT_TRUE(result) << result.error().reason;
    EXPECT_EQ(result->access_key_id, "A1234567890");
}

TEST_F(SharedFilesCredentials, WithoutHomeItIsSkipped) {
    const auto result = resolve({});
    ASSERT_FALSE(result);
    EXPECT_FALSE(result.error().configured);
    EXPECT_NE(result.error().reason.find("HOME not set"), std::string::npos);
}

TEST_F(SharedFilesCredentials, MissingFilesOrProfileAreSkippedNamingThem) {
    auto result = resolve(home());
    ASSERT_FALSE(result);
    EXPECT_FALSE(result.error().configured);
    EXPECT_NE(result.error().reason.find("no profile \"default\""), std::string::npos);
    EXPECT_NE(result.error().reason.find(".aws/credentials"), std::string::npos);

    directory_.write(".aws/credentials",
                     "[default]\naws_access_key_id = A\n"
                     "aws_secret_access_key = s\n");
    auto env = home();
    env["AWS_PROFILE"] = "absent";
    result = resolve(env);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().reason.find("no profile \"absent\""), std::string::npos);
}

TEST_F(SharedFilesCredentials, HalfAPairIsSkippedWithoutTheSecret) {
    directory_.write(".aws/credentials", "[default]\naws_secret_access_key = only-the-secret\n");
    const auto result = resolve(home());
    ASSERT_FALSE(result);
    EXPECT_FALSE(result.error().configured);
    EXPECT_NE(result.error().reason.find("without aws_access_key_id"), std::string::npos);
    EXPECT_EQ(result.error().reason.find("only-the-secret"), std::string::npos);
}

TEST_F(SharedFilesCredentials, ProfilesOfOtherKindsAreSkippedWithTheirReason) {
    directory_.write(".aws/config",
                     "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
                     "aws_access_key_id = AKIDIGNORED\naws_secret_access_key = ignored\n"
                     "[profile process]\ncredential_process = /bin/creds\n"
                     "[profile sso]\nsso_session = corp\n"
                     "[profile web]\nrole_arn = arn:aws:iam::1:role/r\n"
                     "web_identity_token_file = /token\n"
                     "[profile empty]\nregion = eu-west-1\n");
    const std::pair<std::string, std::string> cases[] = {
        {"role", "assumes a role"}, {"process", "credential_process"}, {"sso", "sso_"},
        {"web", "web identity"},    {"empty", "no aws_access_key_id"},
    };
    for (const auto& [profile, expected] : cases) {
        auto env = home();
        env["AWS_PROFILE"] = profile;
        const auto result = resolve(env);
        ASSERT_FALSE(result) << profile;
        EXPECT_FALSE(result.error().configured) << profile;
        EXPECT_NE(result.error().reason.find(expected), std::string::npos)
            << profile << ": " << result.error().reason;
    }
}

TEST_F(SharedFilesCredentials, MalformedFileStopsTheChainWithFileAndLine) {
    directory_.write(".aws/credentials",
                     "[default]\naws_access_key_id = AKID\naws_secret_access_key secret-value\n");
    const auto result = resolve(home());
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().configured);
    EXPECT_NE(result.error().reason.find(".aws/credentials line 3"), std::string::npos)
        << result.error().reason;
    EXPECT_EQ(result.error().reason.find("secret-value"), std::string::npos);
}

TEST_F(SharedFilesCredentials, LocationsFollowTheVariables) {
    const auto defaults = shared_file_locations({{"HOME", "/home/u"}});
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->config_file, "/home/u/.aws/config");
    EXPECT_EQ(defaults->credentials_file, "/home/u/.aws/credentials");
    EXPECT_EQ(selected_profile_name({}), "default");
    EXPECT_EQ(selected_profile_name({{"AWS_PROFILE", ""}}), "default");
    EXPECT_EQ(selected_profile_name({{"AWS_PROFILE", "x"}}), "x");
    EXPECT_FALSE(shared_file_locations({{"AWS_CONFIG_FILE", "/c"}}));
}

}  // namespace
}  // namespace gateway::aws
