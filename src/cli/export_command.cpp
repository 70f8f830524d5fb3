#include "cli/export_command.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/apis_document.hpp"
#include "cli/export_arguments.hpp"
#include "cli/management_client.hpp"

namespace gateway::cli {
namespace {

constexpr std::string_view kExportPrefix = "gateway-api export: ";

// Written beside the target and renamed over it, so that a backup is never left half
// written: a reader sees the old file or the whole new one.
bool write_whole_file(const std::string& path, const std::string& content, std::string& problem) {
    const std::string partial = path + ".partial";
    {
        std::ofstream file(partial, std::ios::binary | std::ios::trunc);
        if (!file) {
            problem = "cannot write " + partial + ": " + std::strerror(errno);
            return false;
        }
        file << content;
        file.flush();
        if (!file) {
            problem = "cannot write " + partial + ": " + std::strerror(errno);
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(partial, path, ec);
    if (ec) {
        problem = "cannot replace " + path + ": " + ec.message();
        std::filesystem::remove(partial, ec);
        return false;
    }
    return true;
}

}  // namespace

int run_export(std::span<const std::string> args, const config::EnvMap& env, std::ostream& out,
               std::ostream& err) {
    auto options = parse_export_arguments(args, env);
    if (!options) {
        err << kExportPrefix << options.error().message << "\n\n" << kExportUsage;
        return 2;
    }
    if (options->help) {
        out << kExportUsage;
        return 0;
    }
    const ManagementClient client(options->connection);
    auto listed = client.list_apis();
    if (!listed) {
        err << kExportPrefix << listed.error().message << '\n';
        return 1;
    }
    std::vector<ListedApi> apis;
    apis.reserve(listed->size());
    for (const auto& object : *listed) {
        auto api = listed_api_from(object);
        if (!api) {
            err << kExportPrefix << client.base_url() << " listed " << api.error() << '\n';
            return 1;
        }
        apis.push_back(std::move(api).value());
    }
    const std::size_t count = apis.size();
    const std::string document = export_document(std::move(apis), options->with_server_fields);
    if (!options->output_file) {
        out << document << std::flush;
        return out ? 0 : 1;
    }
    std::string problem;
    if (!write_whole_file(*options->output_file, document, problem)) {
        err << kExportPrefix << problem << '\n';
        return 1;
    }
    err << "exported " << count << (count == 1 ? " API" : " APIs") << " to "
        << *options->output_file << '\n';
    return 0;
}

}  // namespace gateway::cli
