// What an import must do to make an instance hold the APIs of a document: pure, so the
// plan can be shown, checked and tested before any request is sent. APIs are matched by
// name (case-insensitively, as the service compares names).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/apis_document.hpp"
#include "domain/api.hpp"
#include "domain/expected.hpp"

namespace gateway::cli {

enum class StepKind { create, update, remove };

struct PlanStep {
    StepKind kind = StepKind::create;
    std::string name;                     // the document's name, or the instance's for a removal
    std::optional<domain::ApiSpec> spec;  // what to send: create and update
    std::string id;                       // the instance's API: update and remove
    std::int64_t revision = 0;            // its revision when listed, for If-Match
    std::vector<std::string> changed_fields;  // update: the writable fields that differ
};

struct ImportPlan {
    // In the order they are to be sent: removals first (they free names and base paths),
    // then updates and creates, each after any step that frees the base path it takes.
    std::vector<PlanStep> steps;
    std::size_t unchanged = 0;
    std::size_t kept = 0;  // on the instance, not in the document, and no --prune

    std::size_t count(StepKind kind) const;
};

// The plan, or why none can be carried out without the instance refusing a step halfway:
// an API of the document would take the base path of one kept (not in the document, no
// --prune), or base paths would move round in a cycle.
domain::Expected<ImportPlan, std::vector<std::string>> plan_import(
    const std::vector<domain::ApiSpec>& desired, const std::vector<ListedApi>& current, bool prune);

// One line per step ("create  billing", "update  orders (description, tags)",
// "delete  legacy"), without newlines.
std::string describe_step(const PlanStep& step);

// "2 to create, 1 to update, 0 to delete, 5 unchanged" (and ", 1 not in the file, kept
// without --prune" when some were).
std::string plan_summary(const ImportPlan& plan);

}  // namespace gateway::cli
