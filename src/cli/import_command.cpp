#include "cli/import_command.hpp"

#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/apis_document.hpp"
#include "cli/import_arguments.hpp"
#include "cli/import_plan.hpp"
#include "cli/management_client.hpp"
#include "cli/plan_application.hpp"

namespace gateway::cli {
namespace {

constexpr std::string_view kImportPrefix = "gateway-api import: ";

std::string shown_name(const std::string& file) {
    return file == "-" ? "standard input" : file;
}

std::optional<std::string> read_document(const std::string& file, std::istream& in) {
    std::ostringstream text;
    if (file == "-") {
        text << in.rdbuf();
        return in.bad() ? std::nullopt : std::optional(text.str());
    }
    std::ifstream stream(file, std::ios::binary);
    if (!stream) return std::nullopt;
    text << stream.rdbuf();
    if (stream.bad()) return std::nullopt;
    return text.str();
}

}  // namespace

int run_import(std::span<const std::string> args, const config::EnvMap& env, std::istream& in,
               std::ostream& out, std::ostream& err) {
    auto options = parse_import_arguments(args, env);
    if (!options) {
        err << kImportPrefix << options.error().message << "\n\n" << kImportUsage;
        return kImportUsageError;
    }
    if (options->help) {
        out << kImportUsage;
        return kImportApplied;
    }
    const std::string& file = options->file;

    // Everything that can be checked without the instance is checked before asking it.
    const auto text = read_document(file, in);
    if (!text) {
        err << kImportPrefix << "cannot read " << shown_name(file) << "; nothing was changed\n";
        return kImportInvalidFile;
    }
    auto desired = read_apis_document(*text);
    if (!desired) {
        for (const auto& problem : desired.error()) {
            err << kImportPrefix << shown_name(file) << ": " << problem << '\n';
        }
        err << kImportPrefix << "nothing was changed\n";
        return kImportInvalidFile;
    }

    const ManagementClient client(options->connection);
    auto listed = client.list_apis();
    if (!listed) {
        err << kImportPrefix << listed.error().message << "; nothing was changed\n";
        return kImportFailed;
    }
    std::vector<ListedApi> current;
    current.reserve(listed->size());
    for (const auto& object : *listed) {
        auto api = listed_api_from(object);
        if (!api) {
            err << kImportPrefix << client.base_url() << " listed " << api.error()
                << "; nothing was changed\n";
            return kImportFailed;
        }
        current.push_back(std::move(api).value());
    }

    auto plan = plan_import(*desired, current, options->prune);
    if (!plan) {
        for (const auto& problem : plan.error()) {
            err << kImportPrefix << shown_name(file) << ": " << problem << '\n';
        }
        err << kImportPrefix << "nothing was changed\n";
        return kImportInvalidFile;
    }
    out << "Plan for " << client.base_url() << ":\n";
    for (const auto& step : plan->steps) out << "  " << describe_step(step) << '\n';
    out << plan_summary(*plan) << ".\n";
    if (options->dry_run) {
        out << "Dry run: nothing was changed.\n";
        return kImportApplied;
    }
    if (plan->steps.empty()) {
        out << "Nothing to change.\n";
        return kImportApplied;
    }

    return apply_plan(client, *plan, out, err) ? kImportApplied : kImportFailed;
}

}  // namespace gateway::cli
