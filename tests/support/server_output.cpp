#include "support/server_output.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "support/run_binary.hpp"
#include "support/sanitizer_report.hpp"

namespace gateway::test {

std::vector<std::string> lines_containing(std::string_view output,
                                          const std::vector<std::string_view>& needles) {
    std::vector<std::string> found;
    while (!output.empty()) {
        const auto end = output.find('\n');
        const std::string_view line = output.substr(0, end);
        bool all = true;
        for (const auto needle : needles) all = all && line.find(needle) != std::string_view::npos;
        if (all) found.emplace_back(line);
        if (end == std::string_view::npos) break;
        output.remove_prefix(end + 1);
    }
    return found;
}

bool wait_for_line_count(const ServerProcess& server, std::string_view needle, std::size_t count,
                         std::chrono::milliseconds timeout) {
    // The output only grows, so counting again on every change is enough.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (lines_containing(server.output(), {needle}).size() < count) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

CheckDbRun run_check_db(const Environment& env) {
    CompletedRun run = run_to_completion({"check-db"}, env);
    CheckDbRun result{run.exit_code, std::move(run.output), std::nullopt};
    // A sanitizer build reports and still exits with the command's own status.
    if (auto report = find_sanitizer_report(result.output)) {
        ADD_FAILURE() << "check-db reported:\n" << *report;
    }
    // Logs are text lines starting with a timestamp; the report is the one JSON line.
    for (const auto& line : lines_containing(result.output, {"{\"connection\""})) {
        boost::system::error_code error;
        auto value = boost::json::parse(line, error);
        if (!error && value.is_object()) result.report = std::move(value.as_object());
    }
    return result;
}

boost::json::object health_database(const Response& health) {
    const boost::json::value body = health.json();
    const auto* object = body.if_object();
    const auto* database = object ? object->if_contains("database") : nullptr;
    if (database == nullptr || !database->is_object()) {
        throw std::runtime_error("no \"database\" object in /health: HTTP " +
                                 std::to_string(health.status) + " " + health.body);
    }
    return database->as_object();
}

std::string string_at(const boost::json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || !value->is_string()) return {};
    return std::string(value->as_string());
}

}  // namespace gateway::test
