// Waiting for NOTIFY on a PgConnection that LISTENs.
#include <boost/asio/this_coro.hpp>

#include "db/pg_connection.hpp"
#include "db/socket_wait.hpp"

namespace gateway::db {

namespace {

// The payloads are never read: a notification is only a hint to read the feed.
int drain_notifications(PGconn* conn) {
    int count = 0;
    while (PGnotify* notification = PQnotifies(conn)) {
        PQfreemem(notification);
        ++count;
    }
    return count;
}

}  // namespace

boost::asio::awaitable<DbResult<int>> PgConnection::wait_for_notifications(
    Clock::time_point deadline) {
    constexpr std::string_view what = "waiting for notifications";
    if (broken_ || in_flight_ || PQstatus(conn_) != CONNECTION_OK) {
        broken_ = true;
        co_return domain::unexpected(lost(what));
    }
    if (const int queued = drain_notifications(conn_); queued > 0) co_return queued;
    const auto executor = co_await boost::asio::this_coro::executor;
    in_flight_ = true;
    const auto outcome =
        co_await wait_for_socket(executor, PQsocket(conn_), Readiness::readable, deadline);
    in_flight_ = false;
    if (outcome == WaitOutcome::timed_out) co_return 0;
    // The server's goodbye (a shutdown, a terminated backend) or end of file arrives as
    // readable: consuming it tells a live connection from a lost one.
    // (A FATAL notice, say from pg_terminate_backend, marks the connection broken.)
    if (outcome == WaitOutcome::failed || PQconsumeInput(conn_) == 0 ||
        PQstatus(conn_) != CONNECTION_OK || broken_) {
        co_return domain::unexpected(lost(what));
    }
    // Anything else the server sent while idle (a NOTICE, a parameter status) is handled
    // by libpq inside PQconsumeInput; only notifications are left to count.
    co_return drain_notifications(conn_);
}

}  // namespace gateway::db
