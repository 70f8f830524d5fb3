#include "aws/profile_file_parser.hpp"

#include <gtest/gtest.h>

namespace gateway::aws {
namespace {

Profiles parse_config(std::string_view text) {
    auto parsed = parse_profile_file(text, ProfileFileKind::config);
    EXPECT_TRUE(parsed.has_value())
        << "line " << parsed.error().line << ": " << parsed.error().message;
    return parsed ? *parsed : Profiles{};
}

Profiles parse_credentials(std::string_view text) {
    auto parsed = parse_profile_file(text, ProfileFileKind::credentials);
    EXPECT_TRUE(parsed.has_value())
        << "line " << parsed.error().line << ": " << parsed.error().message;
    return parsed ? *parsed : Profiles{};
}

ProfileParseError parse_error(std::string_view text,
                              ProfileFileKind kind = ProfileFileKind::config) {
    auto parsed = parse_profile_file(text, kind);
    EXPECT_FALSE(parsed.has_value());
    return parsed ? ProfileParseError{} : parsed.error();
}

TEST(ProfileFileParser, EmptyFileHasNoProfiles) {
    EXPECT_TRUE(parse_config("").empty());
    EXPECT_TRUE(parse_config("\n\n  \t\n").empty());
}

TEST(ProfileFileParser, CredentialsFileSectionsAreProfileNames) {
    const auto profiles = parse_credentials(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = secret/+=\n"
        "[dev]\naws_access_key_id=AKIDDEV\n");
    ASSERT_EQ(profiles.size(), 2u);
    EXPECT_EQ(profiles.at("default").at("aws_access_key_id"), "AKIDDEFAULT");
    EXPECT_EQ(profiles.at("default").at("aws_secret_access_key"), "secret/+=");
    EXPECT_EQ(profiles.at("dev").at("aws_access_key_id"), "AKIDDEV");
}

TEST(ProfileFileParser, ConfigFileNeedsTheProfileKeywordExceptForDefault) {
    const auto profiles = parse_config(
        "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-1\n"
        "[stray]\nregion = ignored\n[profilenospace]\nregion = ignored\n"
        "[sso-session corp]\nsso_region = ignored\n");
    ASSERT_EQ(profiles.size(), 2u);
    EXPECT_EQ(profiles.at("default").at("region"), "eu-west-1");
    EXPECT_EQ(profiles.at("dev").at("region"), "us-east-1");
}

TEST(ProfileFileParser, ProfileKeywordInTheCredentialsFileIsNotAProfile) {
    EXPECT_TRUE(parse_credentials("[profile dev]\naws_access_key_id = x\n").empty());
}

TEST(ProfileFileParser, NamesAndValuesAreTrimmedAndTabsSeparate) {
    EXPECT_EQ(parse_config("[  profile \t dev \t ]\nkey \t=  \tvalue \t\n").at("dev").at("key"),
              "value");
    EXPECT_EQ(parse_config("[profile\tdev]\nkey=value\n").at("dev").at("key"), "value");
}

TEST(ProfileFileParser, IndentedLineWithoutAPropertyAboveIsAnError) {
    const auto error = parse_error("[profile dev]\n  key = value\n");
    EXPECT_EQ(error.line, 2u);
    EXPECT_NE(error.message.find("continuation"), std::string::npos);
}

TEST(ProfileFileParser, WindowsLineEndings) {
    const auto profiles = parse_credentials("[default]\r\naws_access_key_id = AKID\r\n");
    EXPECT_EQ(profiles.at("default").at("aws_access_key_id"), "AKID");
}

TEST(ProfileFileParser, ValuesKeepEqualsSignsAndMayBeEmpty) {
    const auto profiles = parse_credentials("[a]\nsecret = ab=cd==\nempty =\n");
    EXPECT_EQ(profiles.at("a").at("secret"), "ab=cd==");
    EXPECT_EQ(profiles.at("a").at("empty"), "");
}

TEST(ProfileFileParser, WholeLineComments) {
    const auto profiles =
        parse_credentials("# top\n; also\n[a]\n# between\nkey = value\n  ; indented comment\n");
    ASSERT_EQ(profiles.at("a").size(), 1u);
    EXPECT_EQ(profiles.at("a").at("key"), "value");
}

TEST(ProfileFileParser, CommentsAfterProfileHeaders) {
    const auto profiles = parse_config("[profile a] # note\n[profile b]; adjacent\n[default]#x\n");
    EXPECT_EQ(profiles.size(), 3u);
}

TEST(ProfileFileParser, InlineCommentsNeedWhitespaceBefore) {
    const auto profiles = parse_credentials(
        "[a]\none = value # comment with # sign\ntwo = value ; note\nthree = va#lue;x\n"
        "four = value\t# tab before\n");
    EXPECT_EQ(profiles.at("a").at("one"), "value");
    EXPECT_EQ(profiles.at("a").at("two"), "value");
    EXPECT_EQ(profiles.at("a").at("three"), "va#lue;x");
    EXPECT_EQ(profiles.at("a").at("four"), "value");
}

TEST(ProfileFileParser, ContinuationLinesJoinWithNewlines) {
    const auto profiles =
        parse_config("[profile a]\nname = value\n -continued # kept\n\t-more \t\nnext = 1\n");
    EXPECT_EQ(profiles.at("a").at("name"), "value\n-continued # kept\n-more");
    EXPECT_EQ(profiles.at("a").at("next"), "1");
}

TEST(ProfileFileParser, SubProperties) {
    const auto profiles = parse_config(
        "[profile a]\ns3 =\n  max_concurrent_requests = 20\n\n  addressing_style = path\n"
        "region = eu-west-1\n");
    EXPECT_EQ(profiles.at("a").at("s3"), "\nmax_concurrent_requests = 20\naddressing_style = path");
    EXPECT_EQ(profiles.at("a").at("region"), "eu-west-1");
    EXPECT_NE(parse_error("[profile a]\ns3 =\n  no-equals-sign\n").message.find("sub-property"),
              std::string::npos);
}

TEST(ProfileFileParser, RepeatedProfilesMergeAndTheLastValueWins) {
    const auto profiles =
        parse_credentials("[a]\nk = 1\nx = first\n[b]\nk = 2\n[a]\nx = second\ny = 3\n");
    EXPECT_EQ(profiles.at("a").at("k"), "1");
    EXPECT_EQ(profiles.at("a").at("x"), "second");
    EXPECT_EQ(profiles.at("a").at("y"), "3");
    EXPECT_EQ(profiles.at("b").at("k"), "2");
}

TEST(ProfileFileParser, PrefixedDefaultBeatsBareDefaultWhereverItIs) {
    for (const std::string_view text :
         {"[profile default]\nk = prefixed\n[default]\nother = bare\n",
          "[default]\nother = bare\n[profile default]\nk = prefixed\n"}) {
        const auto profiles = parse_config(text);
        ASSERT_EQ(profiles.count("default"), 1u) << text;
        EXPECT_EQ(profiles.at("default").at("k"), "prefixed");
        EXPECT_EQ(profiles.at("default").count("other"), 0u) << text;
    }
    EXPECT_EQ(parse_config("[default]\nk = bare\n").at("default").at("k"), "bare");
}

TEST(ProfileFileParser, InvalidNamesAndKeysAreSkipped) {
    const auto profiles = parse_config(
        "[profile ok]\nin valid = x\ngood-key_1 = y\n[profile in valid]\nk = z\n"
        "[profile fine@corp.example:1/a+b%]\nk = w\n");
    EXPECT_EQ(profiles.at("ok").count("in valid"), 0u);
    EXPECT_EQ(profiles.at("ok").at("good-key_1"), "y");
    EXPECT_EQ(profiles.count("in valid"), 0u);
    EXPECT_EQ(profiles.at("fine@corp.example:1/a+b%").at("k"), "w");
}

TEST(ProfileFileParser, KeysAreCaseSensitive) {
    const auto profiles = parse_credentials("[a]\nAWS_ACCESS_KEY_ID = upper\n");
    EXPECT_EQ(profiles.at("a").count("aws_access_key_id"), 0u);
    EXPECT_EQ(profiles.at("a").at("AWS_ACCESS_KEY_ID"), "upper");
}

TEST(ProfileFileParser, MalformedLinesAreErrorsWithLineNumbersButNoText) {
    const auto unclosed = parse_error("[profile a]\nk = v\n[profile b\n");
    EXPECT_EQ(unclosed.line, 3u);
    EXPECT_NE(unclosed.message.find("']'"), std::string::npos);

    const auto outside = parse_error("secret_before_any_profile = hunter2\n");
    EXPECT_EQ(outside.line, 1u);
    EXPECT_EQ(outside.message.find("hunter2"), std::string::npos);

    const auto no_equals =
        parse_error("[a]\naws_secret_access_key hunter2\n", ProfileFileKind::credentials);
    EXPECT_EQ(no_equals.line, 2u);
    EXPECT_EQ(no_equals.message.find("hunter2"), std::string::npos);

    EXPECT_EQ(parse_error("[a]\n = value\n", ProfileFileKind::credentials).line, 2u);
    EXPECT_EQ(parse_error("[a] trailing\n", ProfileFileKind::credentials).line, 1u);
}

TEST(ProfileFileParser, ContinuationsResetAtProfileHeaders) {
    EXPECT_EQ(parse_error("[profile a]\nk = v\n[profile a]\n -continued\n").line, 4u);
}

TEST(ProfileFileParser, MergeLetsTheCredentialsFileWinPerProperty) {
    const auto config = parse_config("[profile a]\nk = config\nregion = eu-west-1\n");
    const auto credentials = parse_credentials("[a]\nk = credentials\n[b]\nx = 1\n");
    const auto merged = merge_profiles(config, credentials);
    EXPECT_EQ(merged.at("a").at("k"), "credentials");
    EXPECT_EQ(merged.at("a").at("region"), "eu-west-1");
    EXPECT_EQ(merged.at("b").at("x"), "1");
}

}  // namespace
}  // namespace gateway::aws
