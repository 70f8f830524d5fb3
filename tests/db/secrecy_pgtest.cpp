// The database password never leaves the server: not in its logs (at the most verbose
// level, with SQL echo on), not in any HTTP response, /health, or check-db's report,
// whichever source carries it and however the connection fails.
#include <signal.h>

#include <string>
#include <utility>
#include <vector>

#include "pg_fixture.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/dead_endpoints.hpp"
#include "support/http_client.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/response_assertions.hpp"
#include "support/run_binary.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"

namespace gateway::test {
namespace {

// Distinctive, with a character that URLs percent-encode, so that either form is found.
constexpr std::string_view kPassword = "Zq9-SECRET-pw-7731!";
// A mistaken password is as secret as the right one: it is often a near miss.
constexpr std::string_view kWrongPassword = "Wx4-WRONG-pw-5150!";

class SecrecyTest : public PgTest {
  protected:
    // Everything the outside world saw, checked at the end of every test.
    void TearDown() override {
        const std::vector<std::string> secrets{
            std::string(kPassword), url_encode(kPassword), std::string(kWrongPassword),
            url_encode(kWrongPassword),
            // The middles, in case some layer escaped or cut the ends.
            "SECRET-pw", "WRONG-pw"};
        for (const auto& [label, text] : exhibits_) {
            for (const auto& secret : secrets) {
                EXPECT_EQ(text.find(secret), std::string::npos)
                    << label << " contains \"" << secret << "\":\n"
                    << text;
            }
        }
        PgTest::TearDown();
    }

    void keep(std::string label, std::string text) {
        exhibits_.emplace_back(std::move(label), std::move(text));
    }

    // The whole response: a secret could hide in a header as well as in the body.
    Response keep(std::string label, Response response) {
        std::string text = "HTTP " + std::to_string(response.status) + "\n";
        for (const auto& [name, value] : response.headers) text += name + ": " + value + "\n";
        text += response.body;
        keep(std::move(label), std::move(text));
        return response;
    }

    CheckDbRun keep_check_db(std::string label, const Environment& env) {
        CheckDbRun run = run_check_db(env);
        keep(std::move(label), run.output);
        return run;
    }

    CompletedRun keep_run(std::string label, const Environment& env) {
        CompletedRun run = run_to_completion({}, env);
        keep(std::move(label), run.output);
        return run;
    }

    // Stops the server as an operator would and keeps everything it printed.
    void keep_final_output(std::string label, ServerProcess& server) {
        expect_clean_exit(server);
        keep(std::move(label), server.output());
    }

    // The most talkative configuration: anything logged at all is seen.
    static Environment verbose(Environment env) {
        env["LOG_LEVEL"] = "trace";
        env["SQL_ECHO"] = "true";
        env["DB_CONNECT_TIMEOUT"] = "2";
        env["DB_POOL_TIMEOUT"] = "2";
        // The outage's writes are refused, so that their 503 bodies are exhibits too.
        env["FALLBACK_WRITES"] = "reject";
        return env;
    }

    // A server on `role` through `env`: a healthy round of requests, then an outage (the
    // role may no longer log in and its sessions are ended), then recovery and SIGHUP.
    void exercise(const std::string& label, ScratchRole& role, const Environment& env) {
        ServerProcess server(env);
        HttpClient client(server.port());
        const std::string name = unique_name();
        EXPECT_TRUE(HasStatus(keep(label + " create", create_api(client, minimal_api(name))), 201));
        EXPECT_TRUE(HasStatus(keep(label + " read", get_api(client, name)), 200));
        EXPECT_TRUE(HasStatus(keep(label + " list", list_apis(client)), 200));
        EXPECT_TRUE(HasStatus(
            keep(label + " patch",
                 patch_api(client, name, boost::json::object{{"description", "changed"}})),
            200));
        EXPECT_TRUE(HasStatus(keep(label + " health", client.request("GET", "/health")), 200));
        EXPECT_TRUE(HasStatus(keep(label + " unknown path", client.request("GET", "/nope")), 404));
        EXPECT_TRUE(HasStatus(
            keep(label + " invalid", create_api(client, boost::json::object{{"name", ""}})), 422));
        EXPECT_EQ(keep_check_db(label + " check-db healthy", env).exit_code, 0);

        role.allow_login(false);
        // Reads are answered from the mirror; writes and the health check meet the outage.
        EXPECT_TRUE(HasStatus(keep(label + " read in outage", get_api(client, name)), 200));
        EXPECT_TRUE(IsDetailError(
            keep(label + " create in outage", create_api(client, minimal_api(unique_name()))),
            503));
        EXPECT_TRUE(HasStatus(keep(label + " list in outage", list_apis(client)), 200));
        EXPECT_TRUE(
            HasStatus(keep(label + " health in outage", client.request("GET", "/health")), 503));
        EXPECT_EQ(keep_check_db(label + " check-db in outage", env).exit_code, 1);

        role.allow_login(true);
        EXPECT_TRUE(HasStatus(keep(label + " read after outage", get_api(client, name)), 200));
        server.send_signal(SIGHUP);
        EXPECT_TRUE(server.wait_for_output("reinitializing", kIoTimeout));
        EXPECT_TRUE(wait_for_line_count(server, "database: using", 2, kIoTimeout))
            << server.output();
        EXPECT_TRUE(
            HasStatus(keep(label + " health after SIGHUP", client.request("GET", "/health")), 200));
        keep_final_output(label + " server output", server);
    }

    std::vector<std::pair<std::string, std::string>> exhibits_;
};

TEST_F(SecrecyTest, ThroughDatabaseUrl) {
    ScratchRole role(env_, std::string(kPassword));
    exercise("DATABASE_URL", role,
             verbose({{"DATABASE_URL", role.database_url("sslmode=require")}}));
}

TEST_F(SecrecyTest, ThroughAwsDbVariablesWithJsonLogs) {
    ScratchRole role(env_, std::string(kPassword));
    Environment env = role.aws_db_environment();
    env["LOG_FORMAT"] = "json";
    exercise("AWS_DB_*", role, verbose(env));
}

TEST_F(SecrecyTest, FailingSourcesQuoteNoPassword) {
    ScratchRole role(env_, std::string(kPassword));
    const std::string closed = std::to_string(closed_port());

    // A wrong password in DATABASE_URL: its source fails, the next is used.
    Environment wrong_then_right = role.aws_db_environment();
    wrong_then_right["DATABASE_URL"] = role.database_url_with_password(kWrongPassword);
    wrong_then_right = verbose(wrong_then_right);
    {
        ServerProcess server(wrong_then_right);
        HttpClient client(server.port());
        const Response health = keep("wrong URL password health", client.request("GET", "/health"));
        EXPECT_EQ(string_at(health_database(health), "source"), "AWS_DB_*") << health.body;
        EXPECT_TRUE(HasStatus(
            keep("wrong URL password create", create_api(client, minimal_api(unique_name()))),
            201));
        EXPECT_EQ(lines_containing(server.output(), {"DATABASE_URL", "password"}).size(), 1u)
            << "the failure should say authentication failed:\n"
            << server.output();
        keep_final_output("wrong URL password server output", server);
    }
    EXPECT_EQ(keep_check_db("wrong URL password check-db", wrong_then_right).exit_code, 0);

    // Both sources carry the real password but nothing listens.
    Environment unreachable = role.aws_db_environment();
    unreachable["AWS_DB_PORT"] = closed;
    unreachable["DATABASE_URL"] = "postgresql://" + role.name() + ":" + url_encode(kPassword) +
                                  "@127.0.0.1:" + closed + "/" + env_.database;
    unreachable = verbose(unreachable);
    {
        ServerProcess server(unreachable);
        HttpClient client(server.port());
        keep("unreachable health", client.request("GET", "/health"));
        keep_final_output("unreachable server output", server);
    }
    EXPECT_EQ(keep_check_db("unreachable check-db", unreachable).exit_code, 1);
    unreachable["DB_FALLBACK"] = "none";
    const CompletedRun refused = keep_run("unreachable with DB_FALLBACK=none", unreachable);
    EXPECT_TRUE(refused.exit_code.has_value() && *refused.exit_code != 0) << refused.output;

    // A server that never answers, with the password already on its way.
    SilentListener silent;
    Environment silent_env = role.aws_db_environment();
    silent_env["AWS_DB_PORT"] = std::to_string(silent.port());
    silent_env = verbose(silent_env);
    silent_env["DB_CONNECT_TIMEOUT"] = "0.5";
    EXPECT_EQ(keep_check_db("silent server check-db", silent_env).exit_code, 1);

    // The only source has the wrong password.
    Environment wrong_only = role.aws_db_environment();
    wrong_only["AWS_DB_PASSWORD"] = std::string(kWrongPassword);
    wrong_only = verbose(wrong_only);
    EXPECT_EQ(keep_check_db("wrong AWS_DB_PASSWORD check-db", wrong_only).exit_code, 1);
    wrong_only["DB_FALLBACK"] = "none";
    const CompletedRun wrong_refused = keep_run("wrong AWS_DB_PASSWORD, no fallback", wrong_only);
    EXPECT_TRUE(wrong_refused.exit_code.has_value() && *wrong_refused.exit_code != 0)
        << wrong_refused.output;
}

TEST_F(SecrecyTest, MalformedDatabaseUrlIsAConfigErrorQuotingNoPassword) {
    const std::string password(kPassword);
    const std::string at = "@127.0.0.1:" + env_.port + "/" + env_.database;
    // Each is a mistake an operator makes when pasting a password into a URL.
    const std::vector<std::pair<std::string, std::string>> urls{
        {"unencoded @", "postgresql://app:" + password + "@x" + at},
        {"unencoded #", "postgresql://app:Zq9-SECRET#pw-7731!" + at},
        {"unencoded ?", "postgresql://app:Zq9?SECRET-pw-7731!" + at},
        {"unencoded /", "postgresql://app:Zq9/SECRET-pw-7731!" + at},
        {"unknown scheme", "mysql://app:" + password + at},
        {"port out of range", "postgresql://app:" + password + "@127.0.0.1:99999/db"},
        {"bad sslmode", "postgresql://app:" + password + at + "?sslmode=always"},
        {"password parameter and bad sslmode",
         "postgresql://127.0.0.1/db?user=app&password=" + password + "&sslmode=always"},
        {"password parameter twice",
         "postgresql://127.0.0.1/db?password=" + password + "&password=" + password},
    };
    for (const auto& [label, url] : urls) {
        const Environment env = verbose({{"DATABASE_URL", url}});
        const CompletedRun serve = keep_run("serve, " + label, env);
        EXPECT_TRUE(serve.exit_code.has_value() && *serve.exit_code != 0) << label << ":\n"
                                                                          << serve.output;
        EXPECT_NE(serve.output.find("DATABASE_URL"), std::string::npos)
            << label << ": the error should name the variable:\n"
            << serve.output;
        const CheckDbRun check = keep_check_db("check-db, " + label, env);
        EXPECT_TRUE(check.exit_code.has_value() && *check.exit_code != 0) << label << ":\n"
                                                                          << check.output;
    }

    // The same for AWS_DB_*: a malformed neighbour of the password stops the start.
    const CompletedRun bad_port =
        keep_run("malformed AWS_DB_PORT", verbose({{"AWS_DB_HOST", "127.0.0.1"},
                                                   {"AWS_DB_PORT", "54x32"},
                                                   {"AWS_DB_USER", "app"},
                                                   {"AWS_DB_PASSWORD", password}}));
    EXPECT_TRUE(bad_port.exit_code.has_value() && *bad_port.exit_code != 0) << bad_port.output;
    EXPECT_NE(bad_port.output.find("AWS_DB_PORT"), std::string::npos) << bad_port.output;
}

}  // namespace
}  // namespace gateway::test
