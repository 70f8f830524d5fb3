// API keys on the wire: keys made by `gateway-api hash-key`, put in API_KEYS_FILE, sent
// as a Bearer token or X-API-Key; 401 and 403 with their challenges; the probes open;
// SIGHUP reading the file again; and no key ever in the server's output. Storage plays
// no part here, so the PostgreSQL copy of the suite skips it.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "support/api_samples.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/response_assertions.hpp"
#include "support/run_binary.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/storage_mode.hpp"
#include "support/temporary_directory.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

struct MadeKey {
    std::string key;   // what a client sends
    std::string line;  // what API_KEYS_FILE holds
};

// Runs `gateway-api hash-key NAME SCOPE`: the key is the output's line that starts with
// "gwk_", the file's line the one that starts with the name.
MadeKey hash_key_command(const std::string& name, const std::string& scope) {
    const CompletedRun run = run_to_completion({"hash-key", name, scope});
    if (run.exit_code != 0) throw std::runtime_error("hash-key failed: " + run.output);
    MadeKey made;
    const std::string line_start = name + ' ' + scope + ' ';
    std::istringstream lines(run.output);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("gwk_")) made.key = line;
        if (line.starts_with(line_start)) made.line = line;
    }
    if (made.key.empty() || made.line.empty()) {
        throw std::runtime_error("hash-key printed no key or no line: " + run.output);
    }
    return made;
}

Headers bearer(const std::string& key) {
    return {{"Authorization", "Bearer " + key}};
}

std::string new_api_body(const std::string& name) {
    return R"({"name":")" + name + R"(","base_path":"/)" + name +
           R"(","upstream_url":"http://127.0.0.1:9000"})";
}

void append_line(const std::string& path, const std::string& line) {
    std::ofstream file(path, std::ios::app);
    file << line << '\n';
    if (!file) throw std::runtime_error("cannot append to " + path);
}

class ApiKeys : public ::testing::Test {
  public:
    static void SetUpTestSuite() {
        if (storage_is_postgres()) return;
        directory_ = std::make_unique<TemporaryDirectory>();
        admin_ = hash_key_command("deployer-suite", "admin");
        reader_ = hash_key_command("dashboard-suite", "read");
        keys_file_ =
            directory_->write("keys", "# test keys\n" + admin_.line + "\n" + reader_.line + "\n");
        server_ = std::make_unique<ServerProcess>(Environment{{"API_KEYS_FILE", keys_file_}});
    }
    static void TearDownTestSuite() {
        if (server_) expect_clean_exit(*server_);
        server_.reset();
        directory_.reset();
    }

  protected:
    void SetUp() override {
        if (storage_is_postgres()) GTEST_SKIP() << "API keys do not depend on the storage";
        ASSERT_NE(server_, nullptr);
    }
    void TearDown() override {
        if (server_) expect_server_sound(*server_);
    }
    static HttpClient client() { return HttpClient(server_->port()); }

    static inline std::unique_ptr<TemporaryDirectory> directory_;
    static inline MadeKey admin_;
    static inline MadeKey reader_;
    static inline std::string keys_file_;
    static inline std::unique_ptr<ServerProcess> server_;
};

TEST_F(ApiKeys, NoKeyIs401WithABearerChallenge) {
    auto http = client();
    for (const char* method : {"GET", "POST"}) {
        const Response response =
            http.request(method, "/apis",
                         method == std::string("POST") ? new_api_body(unique_name("nokey")) : "");
        EXPECT_TRUE(IsDetailError(response, 401)) << method;
        EXPECT_EQ(response.header("WWW-Authenticate"), R"(Bearer realm="gateway-api")");
    }
}

TEST_F(ApiKeys, AWrongKeyIs401InvalidToken) {
    auto http = client();
    std::string wrong = admin_.key;
    wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
    for (const Headers& headers : {bearer(wrong), Headers{{"X-API-Key", wrong}},
                                   bearer("not-a-key"), Headers{{"Authorization", "Basic eDp5"}}}) {
        const Response response = http.request("GET", "/apis", "", headers);
        EXPECT_TRUE(IsDetailError(response, 401)) << headers.front().second;
        EXPECT_TRUE(response.header("WWW-Authenticate").value_or("").starts_with("Bearer realm="));
    }
}

TEST_F(ApiKeys, AReadKeyReadsAndIs403WhenItWrites) {
    auto http = client();
    EXPECT_TRUE(HasStatus(http.request("GET", "/apis", "", bearer(reader_.key)), 200));
    const std::string name = unique_name("readonly");
    const Response write = http.request("POST", "/apis", new_api_body(name), bearer(reader_.key));
    EXPECT_TRUE(IsDetailError(write, 403));
    EXPECT_TRUE(IsDetailError(http.request("GET", "/apis/" + name, "", bearer(reader_.key)), 404));
}

TEST_F(ApiKeys, AnAdminKeyWritesByBearerAndByXApiKey) {
    auto http = client();
    const std::string name = unique_name("admin");
    EXPECT_TRUE(
        HasStatus(http.request("POST", "/apis", new_api_body(name), bearer(admin_.key)), 201));
    const Headers api_key{{"X-API-Key", admin_.key}};
    EXPECT_TRUE(HasStatus(http.request("GET", "/apis/" + name, "", api_key), 200));
    EXPECT_TRUE(HasStatus(http.request("DELETE", "/apis/" + name, "", api_key), 204));
}

TEST_F(ApiKeys, TheAuditTrailNeedsAnAdminKeyAndNamesItsActor) {
    auto http = client();
    EXPECT_TRUE(IsDetailError(http.request("GET", "/audit"), 401));
    EXPECT_TRUE(IsDetailError(http.request("GET", "/audit", "", bearer(reader_.key)), 403));
    const std::string name = unique_name("audited");
    const Response created = http.request("POST", "/apis", new_api_body(name), bearer(admin_.key));
    ASSERT_TRUE(HasStatus(created, 201));
    const Response trail = http.request("GET", "/audit?api=" + name, "", bearer(admin_.key));
    ASSERT_TRUE(HasStatus(trail, 200));
    const boost::json::value body = trail.json();
    const auto& records = body.at("data").as_array();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].at("actor").as_string(), "deployer-suite");
    EXPECT_EQ(records[0].at("action").as_string(), "create");
}

TEST_F(ApiKeys, ProbesOptionsAndTheOpenApiDocumentNeedNoKey) {
    auto http = client();
    for (const char* path : {"/health", "/health/live", "/health/ready", "/openapi.json"}) {
        EXPECT_TRUE(HasStatus(http.request("GET", path), 200)) << path;
    }
    EXPECT_TRUE(HasStatus(http.request("OPTIONS", "/apis"), 204));
}

TEST_F(ApiKeys, TheLogNamesTheActorAndRefusalsButNeverAKey) {
    auto http = client();
    const std::string id = unique_name("keys-logged");
    std::string wrong = reader_.key;
    wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
    Headers good = bearer(reader_.key);
    good.emplace_back("X-Request-ID", id + "-good");
    Headers bad = bearer(wrong);
    bad.emplace_back("X-Request-ID", id + "-bad");
    ASSERT_TRUE(HasStatus(http.request("GET", "/apis", "", good), 200));
    ASSERT_TRUE(IsDetailError(http.request("GET", "/apis", "", bad), 401));
    ASSERT_TRUE(server_->wait_for_output("actor=- id=" + id + "-bad", kIoTimeout))
        << server_->output();
    ASSERT_TRUE(
        server_->wait_for_output("a wrong secret for API key 'dashboard-suite'", kIoTimeout))
        << server_->output();
    const std::string output = server_->output();
    EXPECT_NE(output.find("actor=dashboard-suite id=" + id + "-good"), std::string::npos) << output;
    for (const std::string& secret : {admin_.key, reader_.key, wrong}) {
        // The id part is public and may be logged one day; the secret part never.
        EXPECT_EQ(output.find(secret.substr(16)), std::string::npos) << output;
    }
}

TEST_F(ApiKeys, SighupReadsTheFileAgainAndABadFileKeepsTheKeys) {
    TemporaryDirectory directory;
    const std::string path = directory.write("keys", admin_.line + "\n");
    ServerProcess server(Environment{{"API_KEYS_FILE", path}});
    HttpClient http(server.port());
    const MadeKey added = hash_key_command("added-later", "read");
    ASSERT_TRUE(IsDetailError(http.request("GET", "/apis", "", bearer(added.key)), 401));

    append_line(path, added.line);
    server.send_signal(SIGHUP);
    EXPECT_TRUE(eventually(
        [&] { return http.request("GET", "/apis", "", bearer(added.key)).status == 200; },
        kIoTimeout))
        << server.output();

    append_line(path, "broken line");
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_output("the 2 key(s) read before stay in use", kIoTimeout))
        << server.output();
    EXPECT_NE(server.output().find("API_KEYS_FILE line 3"), std::string::npos) << server.output();
    EXPECT_TRUE(HasStatus(http.request("GET", "/apis", "", bearer(added.key)), 200));
    EXPECT_TRUE(HasStatus(http.request("GET", "/apis", "", bearer(admin_.key)), 200));
    expect_clean_exit(server);
}

TEST_F(ApiKeys, ProtectingTheDocsMakesTheOpenApiDocumentNeedAKey) {
    ServerProcess server(
        Environment{{"API_KEYS_FILE", keys_file_}, {"API_KEYS_PROTECT_DOCS", "true"}});
    HttpClient http(server.port());
    EXPECT_TRUE(IsDetailError(http.request("GET", "/openapi.json"), 401));
    EXPECT_TRUE(HasStatus(http.request("GET", "/openapi.json", "", bearer(reader_.key)), 200));
    EXPECT_TRUE(IsDetailError(http.request("GET", "/metrics"), 401));
    EXPECT_TRUE(HasStatus(http.request("GET", "/metrics", "", bearer(reader_.key)), 200));
    EXPECT_TRUE(HasStatus(http.request("GET", "/health"), 200));
    expect_clean_exit(server);
}

TEST_F(ApiKeys, TheMetricsAreOpenUnlessTheDocsAreProtected) {
    EXPECT_TRUE(HasStatus(client().request("GET", "/metrics"), 200));
}

// The export and import commands send GATEWAY_API_KEY as a bearer key.
TEST_F(ApiKeys, ExportAndImportAuthenticateWithTheKeyOfTheEnvironment) {
    auto http = client();
    const std::string name = unique_name("keyed-export");
    ASSERT_TRUE(
        HasStatus(http.request("POST", "/apis", new_api_body(name), bearer(admin_.key)), 201));
    const std::string url = "http://127.0.0.1:" + std::to_string(server_->port());

    const CompletedRun anonymous = run_to_completion({"export", "--url", url});
    EXPECT_EQ(anonymous.exit_code, 1) << anonymous.output;
    const CompletedRun exported =
        run_to_completion({"export", "--url", url}, {{"GATEWAY_API_KEY", reader_.key}});
    ASSERT_EQ(exported.exit_code, 0) << exported.output;
    EXPECT_NE(exported.output.find(name), std::string::npos) << exported.output;
    EXPECT_EQ(exported.output.find(reader_.key), std::string::npos);

    // A read key may plan an import but not make it.
    TemporaryDirectory directory;
    const std::string other = unique_name("keyed-import");
    const std::string file =
        directory.write("apis.json", R"({"apis": [)" + new_api_body(other) + "]}");
    const CompletedRun refused =
        run_to_completion({"import", file, "--url", url}, {{"GATEWAY_API_KEY", reader_.key}});
    EXPECT_EQ(refused.exit_code, 1) << refused.output;
    EXPECT_NE(refused.output.find("403"), std::string::npos) << refused.output;
    const CompletedRun imported =
        run_to_completion({"import", file, "--url", url}, {{"GATEWAY_API_KEY", admin_.key}});
    EXPECT_EQ(imported.exit_code, 0) << imported.output;
    EXPECT_TRUE(HasStatus(http.request("GET", "/apis/" + other, "", bearer(reader_.key)), 200));
    EXPECT_EQ(imported.output.find(admin_.key), std::string::npos);
}

TEST_F(ApiKeys, ABadKeyFileStopsTheStartNamingTheSettingAndTheLine) {
    TemporaryDirectory directory;
    const std::string pasted = "gwk_pastedSecretThatMustNotBeEchoed";
    const std::string path = directory.write("keys", admin_.line + "\n" + pasted + "\n");
    const CompletedRun run = run_to_completion({}, {{"API_KEYS_FILE", path}});
    ASSERT_TRUE(run.exit_code.has_value()) << run.output;
    EXPECT_NE(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("API_KEYS_FILE line 2"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("pastedSecret"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("listening on"), std::string::npos) << run.output;

    const CompletedRun missing =
        run_to_completion({}, {{"API_KEYS_FILE", (directory.path() / "absent").string()}});
    EXPECT_NE(missing.exit_code.value_or(0), 0) << missing.output;
    EXPECT_NE(missing.output.find("API_KEYS_FILE"), std::string::npos) << missing.output;
}

TEST(HashKeyCommand, RefusesAnUnknownScopeOrABadName) {
    EXPECT_EQ(run_to_completion({"hash-key", "ci", "write"}).exit_code, 2);
    EXPECT_EQ(run_to_completion({"hash-key", "bad name", "read"}).exit_code, 2);
    EXPECT_EQ(run_to_completion({"hash-key", "ci"}).exit_code, 2);
}

}  // namespace
}  // namespace gateway::test
