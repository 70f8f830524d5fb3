// gateway-api export and import against a real server: a round trip through a wipe gives
// the same document, a second import changes nothing, --dry-run and --prune do what they
// say, and an entry that cannot be applied stops the import with a clear message.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/apis_document.hpp"
#include "cli/import_plan.hpp"
#include "cli/management_client.hpp"
#include "cli/plan_application.hpp"
#include "domain/validation.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/dead_endpoints.hpp"
#include "support/run_binary.hpp"
#include "support/sanitizer_report.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::test {
namespace {

namespace json = boost::json;

std::string run_shown(const CompletedRun& run) {
    return "exit " + (run.exit_code ? std::to_string(*run.exit_code) : "(killed at deadline)") +
           ", output:\n" + run.output;
}

std::string file_text(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// Several APIs that differ in every writable field between them.
std::vector<json::object> varied_apis() {
    json::object plain = minimal_api("billing");
    json::object everything = full_api("Orders");  // disabled, jwt, rate limit, tags
    json::object tagged = minimal_api("catalog");
    tagged["tags"] = json::array{"team:shop", "public"};
    tagged["methods"] = json::array{"GET", "HEAD", "OPTIONS"};
    tagged["auth_type"] = "api_key";
    json::object limited = minimal_api("auth.v2");
    limited["rate_limit_per_minute"] = 1000000;
    limited["auth_type"] = "oauth2";
    limited["description"] = "Quotes \" and unicode \xc3\xa9 survive";
    limited["base_path"] = "/auth/v2";
    return {plain, everything, tagged, limited};
}

// Every test gets a server of its own: the round trip deletes everything it holds.
class ExportImport : public ::testing::Test {
  protected:
    void SetUp() override {
        server_ = std::make_unique<ServerProcess>();
        http_ = std::make_unique<HttpClient>(server_->port());
    }
    void TearDown() override {
        if (server_) expect_server_sound(*server_);
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

    // Runs the binary with `args` and --url of this test's server; a small page size makes
    // every listing follow cursors.
    CompletedRun run_cli(std::vector<std::string> args, const Environment& env = {}) {
        args.emplace_back("--url=" + url());
        args.emplace_back("--page-size=2");
        CompletedRun run = run_to_completion(args, env);
        if (auto report = find_sanitizer_report(run.output)) {
            ADD_FAILURE() << "the command reported:\n" << *report;
        }
        return run;
    }

    std::string export_to_file(const std::string& path) {
        const CompletedRun run = run_cli({"export", "--output", path});
        EXPECT_EQ(run.exit_code, 0) << run_shown(run);
        return file_text(path);
    }

    // id -> (revision, updated_at), to show that nothing was written.
    std::map<std::string, std::string> versions() {
        const Listing listing = list_all_pages(*http_, {}, 100);
        EXPECT_EQ(listing.error, "");
        std::map<std::string, std::string> result;
        for (const auto& api : listing.items) {
            result[std::string(api.at("id").as_string())] =
                json_text(api.at("revision")) + " " + json_text(api.at("updated_at"));
        }
        return result;
    }

    std::vector<std::string> names() {
        const Listing listing = list_all_pages(*http_, {}, 100);
        EXPECT_EQ(listing.error, "");
        std::vector<std::string> result;
        for (const auto& api : listing.items) result.emplace_back(api.at("name").as_string());
        std::sort(result.begin(), result.end());
        return result;
    }

    std::string document_of(const std::vector<json::object>& apis) {
        json::array entries;
        for (const auto& api : apis) entries.push_back(api);
        return json_text(json::object{{"format_version", 1}, {"apis", entries}});
    }

    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<HttpClient> http_;
    TemporaryDirectory files_;
};

TEST_F(ExportImport, RoundTripThroughAWipeGivesTheSameDocumentAndASecondImportChangesNothing) {
    for (const auto& api : varied_apis()) must_create_api(*http_, api);
    const std::string before = export_to_file((files_.path() / "before.json").string());
    const auto document = json::parse(before).as_object();
    ASSERT_EQ(document.at("apis").as_array().size(), 4U) << before;
    EXPECT_FALSE(contains(before, "\"id\"")) << before;
    EXPECT_FALSE(contains(before, "revision")) << before;

    for (const auto& api : list_all_pages(*http_, {}, 100).items) {
        ASSERT_EQ(delete_api(*http_, api.at("id").as_string()).status, 204);
    }
    ASSERT_TRUE(names().empty());

    const std::string file = (files_.path() / "before.json").string();
    const CompletedRun imported = run_cli({"import", file});
    ASSERT_EQ(imported.exit_code, 0) << run_shown(imported);
    EXPECT_TRUE(contains(imported.output, "4 to create, 0 to update, 0 to delete, 0 unchanged"))
        << run_shown(imported);
    EXPECT_TRUE(contains(imported.output, "Applied: 4 created, 0 updated, 0 deleted."))
        << run_shown(imported);

    EXPECT_EQ(export_to_file((files_.path() / "after.json").string()), before);

    const auto written = versions();
    const CompletedRun again = run_cli({"import", file});
    ASSERT_EQ(again.exit_code, 0) << run_shown(again);
    EXPECT_TRUE(contains(again.output, "0 to create, 0 to update, 0 to delete, 4 unchanged"))
        << run_shown(again);
    EXPECT_TRUE(contains(again.output, "Nothing to change.")) << run_shown(again);
    EXPECT_EQ(versions(), written) << "a second import wrote something";
}

TEST_F(ExportImport, ExportPrintsToStandardOutputWithServerFieldsWhenAsked) {
    const auto created = must_create_api(*http_, full_api("billing"));
    const CompletedRun run = run_cli({"export", "--with-server-fields"});
    ASSERT_EQ(run.exit_code, 0) << run_shown(run);
    const auto api = json::parse(run.output).at("apis").at(0).as_object();
    EXPECT_EQ(api, created);
}

TEST_F(ExportImport, UpdatesOnlyWhatDiffersUnderIfMatch) {
    const auto kept = must_create_api(*http_, minimal_api("kept"));
    must_create_api(*http_, minimal_api("changed"));
    json::object changed = minimal_api("changed");
    changed["tags"] = json::array{"new-tag"};
    changed["enabled"] = false;
    const std::string file = files_.write("apis.json", document_of({minimal_api("kept"), changed}));

    const CompletedRun run = run_cli({"import", file});
    ASSERT_EQ(run.exit_code, 0) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "update  changed (enabled, tags)")) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "0 to create, 1 to update, 0 to delete, 1 unchanged"))
        << run_shown(run);
    const auto now = json::parse(get_api(*http_, "changed").body).as_object();
    EXPECT_EQ(now.at("revision"), 2);
    EXPECT_EQ(now.at("tags"), (json::array{"new-tag"}));
    EXPECT_EQ(json::parse(get_api(*http_, "kept").body).as_object(), kept);
}

TEST_F(ExportImport, DryRunPrintsThePlanAndChangesNothing) {
    must_create_api(*http_, minimal_api("old"));
    must_create_api(*http_, minimal_api("same"));
    json::object changed = minimal_api("same");
    changed["timeout_ms"] = 5;
    const std::string file =
        files_.write("apis.json", document_of({changed, minimal_api("fresh")}));
    const auto before = versions();

    const CompletedRun run = run_cli({"import", file, "--dry-run", "--prune"});
    ASSERT_EQ(run.exit_code, 0) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "delete  old")) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "update  same (timeout_ms)")) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "create  fresh")) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "Dry run: nothing was changed.")) << run_shown(run);
    EXPECT_EQ(versions(), before);
}

TEST_F(ExportImport, PruneDeletesWhatTheFileDoesNotNameAndOnlyThen) {
    must_create_api(*http_, minimal_api("wanted"));
    must_create_api(*http_, minimal_api("extra-1"));
    must_create_api(*http_, minimal_api("extra-2"));
    const std::string file = files_.write("apis.json", document_of({minimal_api("wanted")}));

    const CompletedRun kept = run_cli({"import", file});
    ASSERT_EQ(kept.exit_code, 0) << run_shown(kept);
    EXPECT_TRUE(contains(kept.output, "2 not in the file, kept without --prune"))
        << run_shown(kept);
    EXPECT_EQ(names(), (std::vector<std::string>{"extra-1", "extra-2", "wanted"}));

    const CompletedRun pruned = run_cli({"import", file, "--prune"});
    ASSERT_EQ(pruned.exit_code, 0) << run_shown(pruned);
    EXPECT_TRUE(contains(pruned.output, "Applied: 0 created, 0 updated, 2 deleted."))
        << run_shown(pruned);
    EXPECT_EQ(names(), (std::vector<std::string>{"wanted"}));
}

TEST_F(ExportImport, AnInvalidEntryIsReportedBeforeAnythingChanges) {
    must_create_api(*http_, minimal_api("existing"));
    json::object bad = minimal_api("bad");
    bad["timeout_ms"] = 0;
    const std::string file =
        files_.write("apis.json", document_of({minimal_api("fresh"), bad, minimal_api("FRESH")}));
    const auto before = versions();

    const CompletedRun run = run_cli({"import", file, "--prune"});
    EXPECT_EQ(run.exit_code, 3) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "apis[1] (bad): timeout_ms: ")) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "apis[2] (FRESH): the name is also that of apis[0]"))
        << run_shown(run);
    EXPECT_TRUE(contains(run.output, "nothing was changed")) << run_shown(run);
    EXPECT_EQ(versions(), before);
}

TEST_F(ExportImport, ABasePathHeldByAnApiTheFileDoesNotNameIsRefusedBeforeAnythingChanges) {
    must_create_api(*http_, minimal_api("holder"));
    json::object taker = minimal_api("taker");
    taker["base_path"] = "/holder";
    const std::string file = files_.write("apis.json", document_of({minimal_api("first"), taker}));

    const CompletedRun run = run_cli({"import", file});
    EXPECT_EQ(run.exit_code, 3) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "taker: base_path /holder belongs to holder"))
        << run_shown(run);
    EXPECT_EQ(names(), (std::vector<std::string>{"holder"}));
}

TEST_F(ExportImport, AChangeMadeAfterThePlanStopsTheImportNamingTheEntryAndWhatWasDone) {
    // The plan is made, then someone else changes an API it updates: the update's If-Match
    // no longer holds. The steps run in name order, so "a-new" is created first.
    must_create_api(*http_, minimal_api("b-stale"));
    json::object stale = minimal_api("b-stale");
    stale["description"] = "from the file";
    const std::vector<json::object> wanted{minimal_api("a-new"), stale, minimal_api("c-later")};
    std::vector<domain::ApiSpec> specs;
    specs.reserve(wanted.size());
    for (const auto& api : wanted) specs.push_back(domain::spec_from_json(api).value());

    cli::ConnectionOptions connection;
    connection.base_url = url();
    const cli::ManagementClient client(connection);
    std::vector<cli::ListedApi> current;
    const auto listed = client.list_apis();
    ASSERT_TRUE(listed) << listed.error().message;
    for (const auto& object : *listed) current.push_back(cli::listed_api_from(object).value());
    const auto plan = cli::plan_import(specs, current, false);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->steps.size(), 3U);

    ASSERT_EQ(patch_api(*http_, "b-stale", json::object{{"description", "someone else"}}).status,
              200);
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_FALSE(cli::apply_plan(client, *plan, out, err));
    const std::string message = err.str();
    EXPECT_TRUE(contains(message, "stopped at \"update  b-stale (description)\"")) << message;
    EXPECT_TRUE(contains(message, "answered 412")) << message;
    EXPECT_TRUE(contains(message, "applied before stopping (1 created, 0 updated, 0 deleted)"))
        << message;
    EXPECT_TRUE(contains(message, "  create  a-new")) << message;
    EXPECT_TRUE(contains(message, "2 of the plan's changes were not made")) << message;
    EXPECT_EQ(names(), (std::vector<std::string>{"a-new", "b-stale"}));
    EXPECT_EQ(json::parse(get_api(*http_, "b-stale").body).at("description"), "someone else");
}

TEST_F(ExportImport, AnUnreachableInstanceIsNamedAndTheApiKeyNeverShown) {
    const std::string key = "gk-7f3a9c1e5b2d4f60";
    must_create_api(*http_, minimal_api("billing"));
    const CompletedRun served = run_cli({"export"}, {{"GATEWAY_API_KEY", key}});
    EXPECT_EQ(served.exit_code, 0) << run_shown(served);
    EXPECT_FALSE(contains(served.output, key)) << run_shown(served);

    const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
    const CompletedRun run =
        run_to_completion({"import", "-", "--url", dead}, {{"GATEWAY_API_KEY", key}});
    EXPECT_EQ(run.exit_code, 3) << "an empty standard input is no document: " << run_shown(run);

    const CompletedRun unreachable =
        run_to_completion({"export", "--url", dead}, {{"GATEWAY_API_KEY", key}});
    EXPECT_EQ(unreachable.exit_code, 1) << run_shown(unreachable);
    EXPECT_TRUE(contains(unreachable.output, dead + "/apis")) << run_shown(unreachable);
    EXPECT_FALSE(contains(unreachable.output, key)) << run_shown(unreachable);
}

TEST_F(ExportImport, UnknownOptionsAreUsageErrors) {
    const CompletedRun run = run_cli({"import", "apis.json", "--purge"});
    EXPECT_EQ(run.exit_code, 2) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "unknown option '--purge'")) << run_shown(run);
    EXPECT_TRUE(contains(run.output, "Usage: gateway-api import FILE")) << run_shown(run);
}

}  // namespace
}  // namespace gateway::test
