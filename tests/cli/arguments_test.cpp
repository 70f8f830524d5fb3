// The command lines of export and import: options in both spellings, and every mistake a
// usage error rather than a guess.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/export_arguments.hpp"
#include "cli/import_arguments.hpp"

namespace gateway::cli {
namespace {

using Args = std::vector<std::string>;

const config::EnvMap kNoEnvironment;

TEST(ExportArguments, DefaultToTheLocalInstanceAndStandardOutput) {
    const auto options = parse_export_arguments(Args{}, kNoEnvironment);
    ASSERT_TRUE(options);
    EXPECT_EQ(options->connection.base_url, "http://127.0.0.1:8000");
    EXPECT_FALSE(options->connection.ca_file);
    EXPECT_FALSE(options->connection.api_key);
    EXPECT_FALSE(options->output_file);
    EXPECT_EQ(options->connection.page_size, 1000U);
    EXPECT_FALSE(options->with_server_fields);
    EXPECT_FALSE(options->help);
}

TEST(ExportArguments, TakeValuesAfterASpaceOrAnEqualsSign) {
    const auto options =
        parse_export_arguments(Args{"--url", "https://gw.example:8443/admin/", "--cacert=ca.pem",
                                    "--output", "out.json", "--with-server-fields"},
                               kNoEnvironment);
    ASSERT_TRUE(options) << options.error().message;
    EXPECT_EQ(options->connection.base_url, "https://gw.example:8443/admin");
    EXPECT_EQ(options->connection.ca_file, "ca.pem");
    EXPECT_EQ(options->output_file, "out.json");
    EXPECT_TRUE(options->with_server_fields);
}

TEST(ExportArguments, ReadTheApiKeyFromTheEnvironmentOnly) {
    const config::EnvMap env{{"GATEWAY_API_KEY", "k-123"}};
    const auto options = parse_export_arguments(Args{}, env);
    ASSERT_TRUE(options);
    EXPECT_EQ(options->connection.api_key, "k-123");
    const config::EnvMap empty{{"GATEWAY_API_KEY", ""}};
    EXPECT_FALSE(parse_export_arguments(Args{}, empty)->connection.api_key);
}

TEST(ExportArguments, HelpInEitherSpelling) {
    EXPECT_TRUE(parse_export_arguments(Args{"--help"}, kNoEnvironment)->help);
    EXPECT_TRUE(parse_export_arguments(Args{"-h"}, kNoEnvironment)->help);
}

struct BadArguments {
    Args args;
    const char* message_part;
};

class ExportRefuses : public ::testing::TestWithParam<BadArguments> {};

TEST_P(ExportRefuses, WithAMessageSayingWhat) {
    const auto options = parse_export_arguments(GetParam().args, kNoEnvironment);
    ASSERT_FALSE(options);
    EXPECT_NE(options.error().message.find(GetParam().message_part), std::string::npos)
        << options.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, ExportRefuses,
    ::testing::Values(BadArguments{{"--prune"}, "unknown option '--prune'"},
                      BadArguments{{"--outptu", "x"}, "unknown option '--outptu'"},
                      BadArguments{{"backup.json"}, "unexpected argument 'backup.json'"},
                      BadArguments{{"--url"}, "--url needs a value"},
                      BadArguments{{"--with-server-fields=yes"}, "takes no value"},
                      BadArguments{{"--output", "a", "--output", "b"}, "given twice"},
                      BadArguments{{"--output="}, "--output needs a file"},
                      BadArguments{{"--url", "ftp://host"}, "http:// or https://"},
                      BadArguments{{"--url", "127.0.0.1:8000"}, "--url"},
                      BadArguments{{"--url", "http://host/?x=1"}, "query"},
                      BadArguments{{"--page-size", "0"}, "from 1 to 1000"},
                      BadArguments{{"--page-size", "1001"}, "from 1 to 1000"},
                      BadArguments{{"--page-size", "ten"}, "from 1 to 1000"}));

TEST(ExportArguments, RefuseCredentialsInTheUrlWithoutRepeatingThem) {
    const auto options =
        parse_export_arguments(Args{"--url", "http://admin:hunter2@host:8000"}, kNoEnvironment);
    ASSERT_FALSE(options);
    EXPECT_NE(options.error().message.find("GATEWAY_API_KEY"), std::string::npos);
    EXPECT_EQ(options.error().message.find("hunter2"), std::string::npos);
}

TEST(ImportArguments, NeedExactlyOneFile) {
    EXPECT_EQ(parse_import_arguments(Args{}, kNoEnvironment).error().message, "FILE is missing");
    EXPECT_EQ(parse_import_arguments(Args{"a.json", "b.json"}, kNoEnvironment).error().message,
              "unexpected argument 'b.json'");
    const auto options = parse_import_arguments(Args{"apis.json"}, kNoEnvironment);
    ASSERT_TRUE(options);
    EXPECT_EQ(options->file, "apis.json");
    EXPECT_FALSE(options->dry_run);
    EXPECT_FALSE(options->prune);
}

TEST(ImportArguments, ReadFlagsAnywhereAndADashAsStandardInput) {
    const auto options = parse_import_arguments(
        Args{"--prune", "-", "--dry-run", "--url=http://10.0.0.5:9000", "--page-size", "25"},
        kNoEnvironment);
    ASSERT_TRUE(options) << options.error().message;
    EXPECT_EQ(options->file, "-");
    EXPECT_TRUE(options->prune);
    EXPECT_TRUE(options->dry_run);
    EXPECT_EQ(options->connection.base_url, "http://10.0.0.5:9000");
    EXPECT_EQ(options->connection.page_size, 25U);
}

TEST(ImportArguments, TakeAFileNamedLikeAnOptionAfterTheEndOfOptions) {
    const auto options = parse_import_arguments(Args{"--", "--prune"}, kNoEnvironment);
    ASSERT_TRUE(options) << options.error().message;
    EXPECT_EQ(options->file, "--prune");
    EXPECT_FALSE(options->prune);
}

TEST(ImportArguments, RefuseOptionsOfExport) {
    EXPECT_FALSE(parse_import_arguments(Args{"a.json", "--output", "b"}, kNoEnvironment));
    EXPECT_FALSE(parse_import_arguments(Args{"a.json", "--with-server-fields"}, kNoEnvironment));
    EXPECT_FALSE(parse_import_arguments(Args{"a.json", "--dry-run=no"}, kNoEnvironment));
}

}  // namespace
}  // namespace gateway::cli
