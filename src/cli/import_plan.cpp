#include "cli/import_plan.hpp"

#include <algorithm>
#include <iterator>
#include <list>
#include <map>
#include <string>
#include <utility>

#include <boost/json/object.hpp>

#include "domain/api_json.hpp"

namespace gateway::cli {
namespace {

std::vector<std::string> differing_fields(const domain::ApiSpec& from, const domain::ApiSpec& to) {
    const auto before = domain::spec_to_json_object(from);
    const auto after = domain::spec_to_json_object(to);
    std::vector<std::string> fields;
    for (const auto& member : after) {
        const auto* old_value = before.if_contains(member.key());
        if (old_value == nullptr || *old_value != member.value()) {
            fields.emplace_back(member.key());
        }
    }
    return fields;
}

// Who holds each base path, by name key, as the steps are carried out.
struct PathHolders {
    std::map<std::string, std::string> key_by_path;
    std::map<std::string, std::string> path_by_key;

    void hold(const std::string& key, const std::string& path) {
        if (const auto old = path_by_key.find(key); old != path_by_key.end()) {
            key_by_path.erase(old->second);
        }
        path_by_key[key] = path;
        key_by_path[path] = key;
    }
    bool free_for(const std::string& key, const std::string& path) const {
        const auto holder = key_by_path.find(path);
        return holder == key_by_path.end() || holder->second == key;
    }
};

// Orders creates and updates so that none takes a base path another API still holds at
// that moment (a removal has already freed its path). Steps left in `pending` could not
// be ordered: their base paths move round in a cycle.
std::vector<PlanStep> in_safe_order(std::list<PlanStep>& pending, PathHolders& holders) {
    std::vector<PlanStep> ordered;
    bool progressed = true;
    while (!pending.empty() && progressed) {
        progressed = false;
        for (auto step = pending.begin(); step != pending.end();) {
            const std::string key = domain::name_key(step->name);
            if (!holders.free_for(key, step->spec->base_path)) {
                ++step;
                continue;
            }
            holders.hold(key, step->spec->base_path);
            ordered.push_back(std::move(*step));
            step = pending.erase(step);
            progressed = true;
        }
    }
    return ordered;
}

}  // namespace

std::size_t ImportPlan::count(StepKind kind) const {
    return static_cast<std::size_t>(std::count_if(
        steps.begin(), steps.end(), [&](const PlanStep& step) { return step.kind == kind; }));
}

domain::Expected<ImportPlan, std::vector<std::string>> plan_import(
    const std::vector<domain::ApiSpec>& desired, const std::vector<ListedApi>& current,
    bool prune) {
    std::map<std::string, const ListedApi*> current_by_key;
    for (const auto& api : current) current_by_key.emplace(domain::name_key(api.spec.name), &api);
    std::map<std::string, const domain::ApiSpec*> desired_by_key;
    for (const auto& spec : desired) desired_by_key.emplace(domain::name_key(spec.name), &spec);

    ImportPlan plan;
    std::vector<PlanStep> removals;
    std::list<PlanStep> writes;
    PathHolders holders;  // once the removals are done
    std::map<std::string, std::string> kept_name_by_path;
    for (const auto& [key, api] : current_by_key) {
        if (desired_by_key.contains(key)) {
            holders.hold(key, api->spec.base_path);
        } else if (prune) {
            PlanStep step;
            step.kind = StepKind::remove;
            step.name = api->spec.name;
            step.id = api->id;
            step.revision = api->revision;
            removals.push_back(std::move(step));
        } else {
            ++plan.kept;
            holders.hold(key, api->spec.base_path);
            kept_name_by_path[api->spec.base_path] = api->spec.name;
        }
    }

    std::vector<std::string> problems;
    for (const auto& [key, spec] : desired_by_key) {
        if (const auto kept = kept_name_by_path.find(spec->base_path);
            kept != kept_name_by_path.end()) {
            problems.push_back(spec->name + ": base_path " + spec->base_path + " belongs to " +
                               kept->second +
                               ", which the file does not name (--prune would delete it)");
            continue;
        }
        PlanStep step;
        step.name = spec->name;
        step.spec = *spec;
        if (const auto found = current_by_key.find(key); found != current_by_key.end()) {
            const ListedApi& api = *found->second;
            if (api.spec == *spec) {
                ++plan.unchanged;
                continue;
            }
            step.kind = StepKind::update;
            step.id = api.id;
            step.revision = api.revision;
            step.changed_fields = differing_fields(api.spec, *spec);
        } else {
            step.kind = StepKind::create;
        }
        writes.push_back(std::move(step));
    }
    if (!problems.empty()) return domain::unexpected(std::move(problems));

    std::vector<PlanStep> ordered = in_safe_order(writes, holders);
    for (const auto& step : writes) {
        problems.push_back(step.name + ": base_path " + step.spec->base_path +
                           " is held by another API of the file that moves in a cycle with it;"
                           " give one of them a free base path first");
    }
    if (!problems.empty()) return domain::unexpected(std::move(problems));

    plan.steps = std::move(removals);
    std::move(ordered.begin(), ordered.end(), std::back_inserter(plan.steps));
    return plan;
}

std::string describe_step(const PlanStep& step) {
    switch (step.kind) {
        case StepKind::create:
            return "create  " + step.name;
        case StepKind::update: {
            std::string line = "update  " + step.name + " (";
            for (std::size_t i = 0; i < step.changed_fields.size(); ++i) {
                if (i != 0) line += ", ";
                line += step.changed_fields[i];
            }
            return line + ")";
        }
        case StepKind::remove:
            return "delete  " + step.name;
    }
    return {};
}

std::string plan_summary(const ImportPlan& plan) {
    std::string summary = std::to_string(plan.count(StepKind::create)) + " to create, " +
                          std::to_string(plan.count(StepKind::update)) + " to update, " +
                          std::to_string(plan.count(StepKind::remove)) + " to delete, " +
                          std::to_string(plan.unchanged) + " unchanged";
    if (plan.kept != 0) {
        summary += ", " + std::to_string(plan.kept) + " not in the file, kept without --prune";
    }
    return summary;
}

}  // namespace gateway::cli
