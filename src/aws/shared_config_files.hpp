// Finding and reading the shared config and credentials files the way the AWS SDKs do:
// AWS_CONFIG_FILE (default ~/.aws/config), AWS_SHARED_CREDENTIALS_FILE (default
// ~/.aws/credentials), the profile AWS_PROFILE (default "default"). HOME comes from the
// given environment, never from the process.
#pragma once

#include <optional>
#include <string>

#include "aws/profile_file_parser.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

struct SharedFileLocations {
    std::string config_file;
    std::string credentials_file;
};

// The two paths, "~/" expanded; an error (a reason) when HOME is needed but not set.
domain::Expected<SharedFileLocations, std::string> shared_file_locations(const config::EnvMap& env);

// AWS_PROFILE, or "default".
std::string selected_profile_name(const config::EnvMap& env);

// Both files parsed and merged (credentials file wins). A missing file is an empty one;
// an unreadable or malformed file is an error naming the file (and line), never its text.
domain::Expected<Profiles, std::string> load_shared_profiles(const SharedFileLocations& files);

// The selected profile from both files: nullopt when neither defines it; an error as
// for load_shared_profiles (or a missing HOME).
domain::Expected<std::optional<ProfileProperties>, std::string> load_selected_profile(
    const config::EnvMap& env);

}  // namespace gateway::aws
