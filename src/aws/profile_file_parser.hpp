// The AWS shared config and credentials files: INI as the AWS SDKs read it. Profiles are
// "[name]" in the credentials file and "[profile name]" (or "[default]") in the config
// file; "key = value" properties; "#" and ";" comments; indented lines continue the
// property above them (sub-properties such as "s3 =").
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "domain/expected.hpp"

namespace gateway::aws {

enum class ProfileFileKind { config, credentials };

using ProfileProperties = std::map<std::string, std::string, std::less<>>;
using Profiles = std::map<std::string, ProfileProperties, std::less<>>;

// Where a file stops making sense. The message never quotes the line: it may hold a key.
struct ProfileParseError {
    std::size_t line = 0;  // 1-based
    std::string message;
};

// Sections that are not profiles ("[sso-session x]", "[foo]" in the config file,
// "[profile foo]" in the credentials file) and names or keys with characters outside
// [A-Za-z0-9_-/.%@:+] are skipped, as the SDKs skip them. In the config file
// "[profile default]" wins over "[default]" when both are present. Repeated profiles
// merge; a repeated key keeps its last value. Keys are case-sensitive.
domain::Expected<Profiles, ProfileParseError> parse_profile_file(std::string_view text,
                                                                 ProfileFileKind kind);

// Both files' profiles, one property at a time; the credentials file wins.
Profiles merge_profiles(Profiles config_file, const Profiles& credentials_file);

}  // namespace gateway::aws
