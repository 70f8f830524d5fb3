#include "cli/plan_application.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "domain/api_json.hpp"
#include "domain/precondition.hpp"

namespace gateway::cli {
namespace {

constexpr std::string_view kApplyPrefix = "gateway-api import: ";

struct StepOutcome {
    bool done = false;
    std::string problem;  // when not done: what the instance said, for a person
};

StepOutcome apply_step(const ManagementClient& client, const PlanStep& step) {
    std::string method;
    std::string path = "/apis";
    std::string body;
    std::optional<std::string> if_match;
    long expected = 0;
    switch (step.kind) {
        case StepKind::create:
            method = "POST";
            expected = 201;
            break;
        case StepKind::update:
            method = "PUT";
            expected = 200;
            break;
        case StepKind::remove:
            method = "DELETE";
            expected = 204;
            break;
    }
    if (step.kind != StepKind::create) {
        // The id, not the name: the name may be the very field being changed.
        path += "/" + step.id;
        // Only over the revision the plan was made from: a change made by someone else
        // meanwhile is refused (412), never silently overwritten.
        if_match = domain::etag_for(step.revision);
    }
    if (step.spec) body = boost::json::serialize(domain::spec_to_json_object(*step.spec));
    auto reply = client.send(method, path, body, if_match);
    if (!reply) return {false, reply.error().message};
    if (reply->status == expected) return {true, {}};
    // Someone deleted it meanwhile: what the file asks for holds all the same.
    if (step.kind == StepKind::remove && reply->status == 404) return {true, {}};
    std::string problem = method + " " + client.base_url() + path + " answered " +
                          std::to_string(reply->status) + ": " + refusal_detail(*reply);
    if (reply->status == 412) {
        problem +=
            " (the API changed on the instance after the plan was made; run the import"
            " again to plan over its current state)";
    }
    return {false, std::move(problem)};
}

std::string applied_summary(const std::vector<const PlanStep*>& applied) {
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t deleted = 0;
    for (const auto* step : applied) {
        switch (step->kind) {
            case StepKind::create:
                ++created;
                break;
            case StepKind::update:
                ++updated;
                break;
            case StepKind::remove:
                ++deleted;
                break;
        }
    }
    return std::to_string(created) + " created, " + std::to_string(updated) + " updated, " +
           std::to_string(deleted) + " deleted";
}

}  // namespace

bool apply_plan(const ManagementClient& client, const ImportPlan& plan, std::ostream& out,
                std::ostream& err) {
    std::vector<const PlanStep*> applied;
    for (const auto& step : plan.steps) {
        const StepOutcome outcome = apply_step(client, step);
        if (!outcome.done) {
            out << std::flush;
            err << kApplyPrefix << "stopped at \"" << describe_step(step)
                << "\": " << outcome.problem << '\n'
                << kApplyPrefix << "applied before stopping (" << applied_summary(applied)
                << "):" << (applied.empty() ? " none\n" : "\n");
            for (const auto* done : applied) err << "  " << describe_step(*done) << '\n';
            err << kApplyPrefix << plan.steps.size() - applied.size()
                << " of the plan's changes were not made\n";
            return false;
        }
        applied.push_back(&step);
    }
    out << "Applied: " << applied_summary(applied) << ".\n";
    return true;
}

}  // namespace gateway::cli
