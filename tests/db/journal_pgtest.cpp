// Writes accepted while the primary cannot be reached (FALLBACK_WRITES=journal, the
// default): acknowledged only once they are in the local journal, served from the mirror
// meanwhile (also after a restart), replayed into PostgreSQL exactly once when it can be
// reached again, and reported, never applied over it, when another instance changed the
// same API meanwhile. The primary is made unreachable with a fault proxy that resets
// every connection, so the test can still change the database behind the server's back.
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "domain/timestamps.hpp"
#include "support/api_requests.hpp"
#include "support/api_samples.hpp"
#include "support/eventually.hpp"
#include "support/fault_proxy.hpp"
#include "support/http_client.hpp"
#include "support/pg_admin_session.hpp"
#include "support/pg_scratch_role.hpp"
#include "support/pg_test_env.hpp"
#include "support/private_pg_cluster.hpp"
#include "support/raw_connection.hpp"
#include "support/response_assertions.hpp"
#include "support/server_fixture.hpp"
#include "support/server_output.hpp"
#include "support/server_process.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The journal is replayed within moments of the primary's return; the slack covers a
// loaded machine.
constexpr auto kReplayBound = 20s;

class JournalTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!PgTestEnv::from_environment()) {
            GTEST_SKIP() << PgTestEnv::kVariable << " is not set; run these through `ctest -L pg`";
        }
        cluster_ = std::make_unique<PrivatePgCluster>(GATEWAY_PG_TEST_CLUSTER_SCRIPT);
        proxy_ = std::make_unique<FaultProxy>(
            cluster_->env().host, static_cast<std::uint16_t>(std::stoi(cluster_->env().port)));
    }

    Environment server_environment(const TemporaryDirectory& data) const {
        const auto& pg = cluster_->env();
        return {{"DATABASE_URL",
                 "postgresql://" + url_encode(pg.app_user) + ":" + url_encode(pg.app_password) +
                     "@127.0.0.1:" + std::to_string(proxy_->port()) + "/" +
                     url_encode(pg.database) + "?sslmode=verify-full&sslrootcert=" +
                     url_encode(pg.ca_file) + "&options=" + url_encode("-csynchronous_commit=on")},
                {"DATA_DIR", (data.path() / "state").string()},
                {"DB_CONNECT_TIMEOUT", "2"},
                {"DB_PROBE_MAX_INTERVAL", "0.5"},
                {"WORKERS", "2"}};
    }

    PgAdminSession admin() const { return PgAdminSession::superuser(cluster_->env()); }

    std::string count(const std::string& sql) const { return admin().value(sql).value_or("?"); }

    static std::size_t journal_pending(HttpClient& client) {
        const Response health = client.request("GET", "/health");
        const auto database = health_database(health);
        const auto* journal = database.if_contains("journal");
        if (journal == nullptr || !journal->is_object()) return SIZE_MAX;
        return static_cast<std::size_t>(
            journal->as_object().at("pending").to_number<std::int64_t>());
    }

    std::unique_ptr<PrivatePgCluster> cluster_;
    std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(JournalTest, WritesInAnOutageSurviveARestartAndReachThePrimaryExactlyOnce) {
    TemporaryDirectory data;
    const Environment env = server_environment(data);
    auto server = std::make_unique<ServerProcess>(env);
    auto client = std::make_unique<HttpClient>(server->port());
    const std::string patched = unique_name("journal");
    must_create_api(*client, minimal_api(patched));

    proxy_->reset();  // the primary is gone for this server, as far as it can tell
    std::vector<std::string> acknowledged;
    int patches_acknowledged = 0;
    const auto write_some = [&](int creates) {
        for (int i = 0; i < creates; ++i) {
            const std::string name = unique_name("journal");
            const Response created = create_api(*client, minimal_api(name));
            ASSERT_TRUE(HasStatus(created, 201)) << created.body;
            EXPECT_EQ(created.header("Replication"), "pending");
            acknowledged.push_back(name);
            const Response changed =
                patch_api(*client, patched, boost::json::object{{"description", "patch " + name}});
            ASSERT_TRUE(HasStatus(changed, 200)) << changed.body;
            ++patches_acknowledged;
        }
    };
    write_some(15);
    // A crash while the primary is away: the restart serves the journaled writes.
    server->send_signal(SIGKILL);
    ASSERT_TRUE(server->wait_for_exit(kExitTimeout));
    server = std::make_unique<ServerProcess>(env);
    client = std::make_unique<HttpClient>(server->port());
    for (const auto& name : acknowledged) {
        const Response read = get_api(*client, name);
        EXPECT_TRUE(HasStatus(read, 200)) << name << " after the restart: " << read.body;
    }
    write_some(15);
    EXPECT_EQ(journal_pending(*client), acknowledged.size() + patches_acknowledged);

    const auto returned = Clock::now();
    proxy_->pass();
    ASSERT_TRUE(eventually([&] { return journal_pending(*client) == 0; }, kReplayBound))
        << server->output();
    std::cout << "journal emptied "
              << std::chrono::duration<double>(Clock::now() - returned).count()
              << " s after the primary became reachable\n";

    for (const auto& name : acknowledged) {
        EXPECT_EQ(count("SELECT count(*) FROM apis WHERE name = " + sql_literal(name)), "1")
            << name << " was acknowledged but is not in PostgreSQL";
    }
    EXPECT_EQ(count("SELECT revision FROM apis WHERE name = " + sql_literal(patched)),
              std::to_string(1 + patches_acknowledged));
    EXPECT_EQ(count("SELECT count(*) FROM journal_applied"),
              std::to_string(acknowledged.size() + patches_acknowledged));
    const Response conflicts = client->request("GET", "/journal/conflicts");
    ASSERT_TRUE(HasStatus(conflicts, 200));
    EXPECT_TRUE(conflicts.json().at("conflicts").as_array().empty()) << conflicts.body;
    server->send_signal(SIGTERM);
    expect_clean_exit(*server);
}

// A write journaled while the primary is away gets its audit record when it is replayed:
// with the time it was accepted and the actor, address and request id it came with.
TEST_F(JournalTest, AJournaledWriteIsAuditedOnReplayWithItsOriginalOrigin) {
    namespace json = boost::json;
    TemporaryDirectory data;
    auto server = std::make_unique<ServerProcess>(server_environment(data));
    HttpClient client(server->port());
    const std::string name = unique_name("journaled");

    proxy_->reset();
    const Response created = client.request("POST", "/apis", json::serialize(minimal_api(name)),
                                            {{"X-Request-ID", "journaled-create-1"}});
    ASSERT_TRUE(HasStatus(created, 201)) << created.body;
    EXPECT_EQ(created.header("Replication"), "pending");
    const Response unavailable = client.request("GET", "/audit");
    EXPECT_TRUE(IsDetailError(unavailable, 503)) << unavailable.body;
    // Accepted before this instant; replayed after it.
    const std::string before_replay = domain::format_timestamp(domain::now_millis());

    proxy_->pass();
    ASSERT_TRUE(eventually([&] { return journal_pending(client) == 0; }, kReplayBound))
        << server->output();
    Response trail;
    ASSERT_TRUE(eventually(
        [&] {
            trail = client.request("GET", "/audit?api=" + name);
            return trail.status == 200;
        },
        kReplayBound))
        << trail.body;
    const json::value body = trail.json();
    const auto& records = body.at("data").as_array();
    ASSERT_EQ(records.size(), 1u) << trail.body;
    const auto& record = records[0].as_object();
    EXPECT_EQ(record.at("action").as_string(), "create");
    EXPECT_EQ(record.at("request_id").as_string(), "journaled-create-1");
    EXPECT_EQ(record.at("actor").as_string(), "anonymous");
    EXPECT_EQ(record.at("client_address").as_string(), "127.0.0.1");
    EXPECT_EQ(record.at("api_id").as_string(), created.json().at("id").as_string());
    EXPECT_LE(std::string(record.at("at").as_string()), before_replay);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE api_name = " + sql_literal(name)), "1");
    server->send_signal(SIGTERM);
    expect_clean_exit(*server);
}

TEST_F(JournalTest, AConflictWithAnotherInstanceIsReportedAndTheMirrorFollowsThePrimary) {
    TemporaryDirectory data;
    ServerProcess server(server_environment(data));
    HttpClient client(server.port());
    const std::string changed_twice = unique_name("conflict");
    const std::string kept = unique_name("conflict");
    must_create_api(client, minimal_api(changed_twice));
    must_create_api(client, minimal_api(kept));

    proxy_->reset();
    ASSERT_TRUE(HasStatus(
        patch_api(client, changed_twice, boost::json::object{{"description", "from here"}}), 200));
    const std::string wanted = unique_name("conflict");
    ASSERT_TRUE(HasStatus(create_api(client, minimal_api(wanted)), 201));
    ASSERT_TRUE(HasStatus(
        patch_api(client, kept, boost::json::object{{"description", "no one else wrote"}}), 200));
    // Meanwhile another instance, which can reach the database, changes the same API and
    // takes the name this one gave its new API.
    admin().exec(
        "UPDATE apis SET description = 'from elsewhere', revision = revision + 1 "
        "WHERE name = " +
        sql_literal(changed_twice));
    admin().exec(
        "INSERT INTO apis (id, name, base_path, upstream_url, created_at, updated_at) "
        "VALUES (gen_random_uuid(), " +
        sql_literal(wanted) + ", '/elsewhere-" + wanted +
        "', 'http://127.0.0.1:9000', now(), now())");

    proxy_->pass();
    ASSERT_TRUE(eventually([&] { return journal_pending(client) == 0; }, kReplayBound))
        << server.output();
    const Response conflicts = client.request("GET", "/journal/conflicts");
    ASSERT_TRUE(HasStatus(conflicts, 200));
    const boost::json::value document = conflicts.json();
    const auto& list = document.at("conflicts").as_array();
    ASSERT_EQ(list.size(), 2u) << conflicts.body;
    EXPECT_EQ(list[0].at("operation"), "update") << conflicts.body;
    EXPECT_NE(std::string(list[0].at("reason").as_string()).find("changed meanwhile"),
              std::string::npos)
        << conflicts.body;
    EXPECT_EQ(list[0].at("api").at("description"), "from here") << conflicts.body;
    EXPECT_EQ(list[1].at("operation"), "create") << conflicts.body;
    EXPECT_NE(std::string(list[1].at("reason").as_string()).find("name is taken"),
              std::string::npos)
        << conflicts.body;
    EXPECT_TRUE(server.wait_for_output("conflicts with the primary", kIoTimeout));
    const auto health = health_database(client.request("GET", "/health"));
    EXPECT_EQ(health.at("journal").at("conflicts").to_number<std::int64_t>(), 2)
        << boost::json::serialize(health);

    // The primary was not overwritten, the entry that did not conflict was applied, and
    // the mirror came round to what PostgreSQL holds.
    EXPECT_EQ(count("SELECT description FROM apis WHERE name = " + sql_literal(changed_twice)),
              "from elsewhere");
    EXPECT_EQ(count("SELECT description FROM apis WHERE name = " + sql_literal(kept)),
              "no one else wrote");
    EXPECT_TRUE(eventually(
        [&] {
            const Response read = get_api(client, changed_twice);
            const Response taken = get_api(client, wanted);
            return read.status == 200 && read.json().at("description") == "from elsewhere" &&
                   taken.status == 200 &&
                   taken.json().at("base_path") == boost::json::value("/elsewhere-" + wanted);
        },
        kReplayBound))
        << server.output();
    server.send_signal(SIGTERM);
    expect_clean_exit(server);
}

TEST_F(JournalTest, AKillInTheMiddleOfAReplayAppliesEveryEntryExactlyOnce) {
    TemporaryDirectory data;
    const Environment env = server_environment(data);
    auto server = std::make_unique<ServerProcess>(env);
    auto client = std::make_unique<HttpClient>(server->port());
    proxy_->reset();
    constexpr int kEntries = 120;
    std::vector<std::string> names;
    for (int i = 0; i < kEntries; ++i) {
        names.push_back(unique_name("replay"));
        ASSERT_TRUE(HasStatus(create_api(*client, minimal_api(names.back())), 201));
    }
    // Every round trip to the database now takes a while, so the replay is slow enough to
    // be caught in the middle.
    proxy_->delay(20ms);
    std::size_t pending = 0;
    ASSERT_TRUE(eventually(
        [&] {
            pending = journal_pending(*client);
            return pending > 0 && pending < static_cast<std::size_t>(kEntries);
        },
        kReplayBound))
        << "journal depth " << pending << "; " << server->output();
    server->send_signal(SIGKILL);
    ASSERT_TRUE(server->wait_for_exit(kExitTimeout));
    proxy_->pass();

    server = std::make_unique<ServerProcess>(env);
    client = std::make_unique<HttpClient>(server->port());
    ASSERT_TRUE(eventually([&] { return journal_pending(*client) == 0; }, kReplayBound))
        << server->output();
    for (const auto& name : names) {
        EXPECT_EQ(count("SELECT count(*) FROM apis WHERE name = " + sql_literal(name)), "1")
            << name;
    }
    EXPECT_EQ(count("SELECT count(*) FROM journal_applied"), std::to_string(kEntries));
    const Response conflicts = client->request("GET", "/journal/conflicts");
    EXPECT_TRUE(conflicts.json().at("conflicts").as_array().empty()) << conflicts.body;
    server->send_signal(SIGTERM);
    expect_clean_exit(*server);
}

// A client whose answer was lost retries with its Idempotency-Key: the change is not
// made twice, whether the primary took it (the key is in PostgreSQL, in the change's
// transaction) or the journal did (the key is held by the instance that journaled it).
TEST_F(JournalTest, ARetryWithTheSameIdempotencyKeyAfterALostAnswerChangesNothingTwice) {
    TemporaryDirectory data;
    const Environment env = server_environment(data);
    auto server = std::make_unique<ServerProcess>(env);
    auto client = std::make_unique<HttpClient>(server->port());
    const std::string name = unique_name("keyed");
    must_create_api(*client, minimal_api(name));
    const std::string body = R"({"tags": ["retried"]})";
    const std::string key = "lost-" + unique_name("answer");
    {
        // The request goes out; its answer never comes back (the client is gone).
        RawConnection lost(server->port());
        lost.write("PATCH /apis/" + name +
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Idempotency-Key: " +
                   key + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    ASSERT_TRUE(eventually([&] { return get_api(*client, name).json().at("revision") == 2; },
                           kReplayBound));
    const Response retry =
        client->request("PATCH", "/apis/" + name, body, {{"Idempotency-Key", key}});
    ASSERT_TRUE(HasStatus(retry, 200));
    EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(retry.json().at("revision"), 2);
    EXPECT_EQ(count("SELECT revision FROM apis WHERE name = " + sql_literal(name)), "2");
    EXPECT_EQ(count("SELECT status FROM idempotency_keys WHERE key = " + sql_literal(key)), "200");

    // The same through the journal: the primary is away.
    proxy_->reset();
    const std::string journaled = unique_name("keyed");
    const std::string journal_key = "journal-" + unique_name("answer");
    const auto post_keyed = [&] {
        return client->request("POST", "/apis", boost::json::serialize(minimal_api(journaled)),
                               {{"Idempotency-Key", journal_key}});
    };
    const Response first = post_keyed();
    ASSERT_TRUE(HasStatus(first, 201)) << first.body;
    EXPECT_EQ(first.header("Replication"), "pending");
    const Response again = post_keyed();
    ASSERT_TRUE(HasStatus(again, 201)) << again.body;
    EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(again.header("Location"), first.header("Location"));

    // A crash before the primary returns: the key is in the journal with its write.
    server->send_signal(SIGKILL);
    ASSERT_TRUE(server->wait_for_exit(kExitTimeout));
    server = std::make_unique<ServerProcess>(env);
    client = std::make_unique<HttpClient>(server->port());
    const Response after_restart = post_keyed();
    ASSERT_TRUE(HasStatus(after_restart, 201)) << after_restart.body;
    EXPECT_EQ(after_restart.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(after_restart.header("Location"), first.header("Location"));

    proxy_->pass();
    ASSERT_TRUE(eventually([&] { return journal_pending(*client) == 0; }, kReplayBound))
        << server->output();
    EXPECT_EQ(count("SELECT count(*) FROM apis WHERE name = " + sql_literal(journaled)), "1");
    // The replay took the key to PostgreSQL with the change: another instance answers it.
    EXPECT_EQ(count("SELECT status FROM idempotency_keys WHERE key = " + sql_literal(journal_key)),
              "201");
    TemporaryDirectory other_data;
    ServerProcess other(server_environment(other_data));
    HttpClient other_client(other.port());
    const Response elsewhere =
        other_client.request("POST", "/apis", boost::json::serialize(minimal_api(journaled)),
                             {{"Idempotency-Key", journal_key}});
    ASSERT_TRUE(HasStatus(elsewhere, 201)) << elsewhere.body;
    EXPECT_EQ(elsewhere.header("Idempotent-Replayed"), "true");
    EXPECT_EQ(elsewhere.header("Location"), first.header("Location"));
    EXPECT_EQ(count("SELECT count(*) FROM apis WHERE name = " + sql_literal(journaled)), "1");
    other.send_signal(SIGTERM);
    expect_clean_exit(other);
    server->send_signal(SIGTERM);
    expect_clean_exit(*server);
}

}  // namespace
}  // namespace gateway::test
