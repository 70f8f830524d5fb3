#include "aws/shared_config_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "config/env_value.hpp"

namespace gateway::aws {
namespace {

std::string expand_home(std::string_view path, std::optional<std::string_view> home) {
    if (home && (path == "~" || path.starts_with("~/"))) {
        return std::string(*home) + std::string(path.substr(1));
    }
    return std::string(path);
}

domain::Expected<std::string, std::string> read_optional_file(const std::string& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (status.type() == std::filesystem::file_type::not_found) return std::string();
    if (error || std::filesystem::is_directory(status)) {
        return domain::unexpected("cannot read " + path);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) return domain::unexpected("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return domain::unexpected("cannot read " + path);
    return text.str();
}

domain::Expected<Profiles, std::string> load_file(const std::string& path, ProfileFileKind kind) {
    auto text = read_optional_file(path);
    if (!text) return domain::unexpected(std::move(text.error()));
    auto profiles = parse_profile_file(*text, kind);
    if (!profiles) {
        return domain::unexpected(path + " line " + std::to_string(profiles.error().line) + ": " +
                                  profiles.error().message);
    }
    return std::move(*profiles);
}

}  // namespace

domain::Expected<SharedFileLocations, std::string> shared_file_locations(
    const config::EnvMap& env) {
    const auto home = config::lookup(env, "HOME");
    const auto config_file = config::lookup(env, "AWS_CONFIG_FILE");
    const auto credentials_file = config::lookup(env, "AWS_SHARED_CREDENTIALS_FILE");
    if (!home && (!config_file || !credentials_file)) {
        return domain::unexpected(
            std::string("HOME not set (needed for ~/.aws/config and ~/.aws/credentials unless "
                        "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are set)"));
    }
    SharedFileLocations locations;
    locations.config_file =
        config_file ? expand_home(*config_file, home) : std::string(*home) + "/.aws/config";
    locations.credentials_file = credentials_file ? expand_home(*credentials_file, home)
                                                  : std::string(*home) + "/.aws/credentials";
    return locations;
}

std::string selected_profile_name(const config::EnvMap& env) {
    return std::string(config::lookup(env, "AWS_PROFILE").value_or("default"));
}

domain::Expected<Profiles, std::string> load_shared_profiles(const SharedFileLocations& files) {
    auto config_profiles = load_file(files.config_file, ProfileFileKind::config);
    if (!config_profiles) return domain::unexpected(std::move(config_profiles.error()));
    auto credentials_profiles = load_file(files.credentials_file, ProfileFileKind::credentials);
    if (!credentials_profiles) return domain::unexpected(std::move(credentials_profiles.error()));
    return merge_profiles(std::move(*config_profiles), *credentials_profiles);
}

domain::Expected<std::optional<ProfileProperties>, std::string> load_selected_profile(
    const config::EnvMap& env) {
    const auto locations = shared_file_locations(env);
    if (!locations) return domain::unexpected(locations.error());
    auto profiles = load_shared_profiles(*locations);
    if (!profiles) return domain::unexpected(std::move(profiles.error()));
    const auto found = profiles->find(selected_profile_name(env));
    if (found == profiles->end()) return std::optional<ProfileProperties>{};
    return std::optional<ProfileProperties>{std::move(found->second)};
}

}  // namespace gateway::aws
