#include "db/preflight_check.hpp"

#include <utility>

namespace gateway::db {

boost::asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> preflight_check(
    boost::asio::any_io_executor executor, const std::string& conninfo,
    std::chrono::milliseconds connect_timeout) {
    auto connection = co_await PgConnection::connect(executor, conninfo, connect_timeout);
    if (!connection) co_return domain::unexpected(std::move(connection.error()));
    auto ping = co_await (*connection)->simple_query("SELECT 1", connect_timeout);
    if (!ping) co_return domain::unexpected(std::move(ping.error()));
    co_return std::move(*connection);
}

}  // namespace gateway::db
