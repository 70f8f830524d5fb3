// One libpq connection driven without blocking a thread: the socket is awaited through
// Asio, and every wait is bounded.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <libpq-fe.h>

#include "db/db_error.hpp"
#include "db/pg_result.hpp"
#include "db/statement.hpp"

namespace gateway::db {

// Parameters are sent in text format; nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

class PgConnection {
public:
    using Clock = std::chrono::steady_clock;

    // Connects with PQconnectStart/PQconnectPoll, re-reading PQsocket after every poll
    // (libpq may open a new socket while it tries TLS or another host), within `timeout`.
    // `conninfo` may hold a password: it is never logged or put into an error.
    static boost::asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> connect(
        boost::asio::any_io_executor executor, std::string conninfo,
        std::chrono::milliseconds timeout);

    ~PgConnection();  // PQfinish; the descriptor is released first, never closed by us
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Runs a statement, preparing it on first use on this connection. Bounded by
    // `timeout`; on expiry the connection is marked broken (and must be discarded).
    boost::asio::awaitable<DbResult<PgResult>> execute(const Statement& statement,
                                                       const Params& params,
                                                       std::chrono::milliseconds timeout);

    // A plain query without parameters (BEGIN, COMMIT, SELECT 1, migrations). Several
    // statements separated by ';' are allowed; the last result is returned.
    boost::asio::awaitable<DbResult<PgResult>> simple_query(std::string_view sql,
                                                            std::chrono::milliseconds timeout);

    bool broken() const;                 // unusable: lost, timed out, or bad state
    Clock::time_point created_at() const { return created_at_; }
    Clock::time_point last_used() const { return last_used_; }
    bool ssl_in_use() const;
    // Logs each statement's text (never parameter values) when set: SQL_ECHO.
    void set_echo(bool echo) { echo_ = echo; }

private:
    PgConnection(boost::asio::any_io_executor executor, PGconn* conn);
    // ... implementation details are the implementer's (descriptor, prepared names, ...)

    boost::asio::any_io_executor executor_;
    PGconn* conn_ = nullptr;
    std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
    std::unordered_set<std::string_view> prepared_;
    Clock::time_point created_at_ = Clock::now();
    Clock::time_point last_used_ = Clock::now();
    bool broken_ = false;
    bool echo_ = false;
};

}  // namespace gateway::db
