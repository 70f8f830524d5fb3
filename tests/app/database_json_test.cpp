// The JSON check-db prints and /health details carry: key for key, in this order.
#include "app/database_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace gateway::app {
namespace {

TEST(ConnectionInfoJson, InMemoryStorageShowsOnlyItsType) {
    EXPECT_EQ(boost::json::serialize(connection_info_json(db::ConnectionInfo{})),
              R"({"type":"in-memory","using_primary":false})");
}

TEST(ConnectionInfoJson, PrimaryShowsWhereItConnectsAndThePoolFigures) {
    db::ConnectionInfo info;
    info.using_primary = true;
    info.source = "DATABASE_URL";
    info.url = "postgresql://app:***@db.example.com:5432/gateway";
    info.host = "db.example.com";
    info.port = 5432;
    info.database = "gateway";
    info.user = "app";
    info.ssl = true;
    info.pool.in_use = 1;
    info.pool.idle = 2;
    EXPECT_EQ(boost::json::serialize(connection_info_json(info)),
              R"({"type":"postgresql","using_primary":true,"source":"DATABASE_URL",)"
              R"("url":"postgresql://app:***@db.example.com:5432/gateway",)"
              R"("host":"db.example.com","port":5432,"database":"gateway","user":"app",)"
              R"("ssl":true,"pool":{"in_use":1,"idle":2,"waiting":0,"created":0,"closed":0,)"
              R"("timeouts":0,"errors":0,"rejected":0}})");
}

}  // namespace
}  // namespace gateway::app
