// One libpq connection driven without blocking a thread: the socket is awaited through
// Asio, and every wait is bounded.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "db/db_error.hpp"
#include "db/pg_result.hpp"
#include "db/statement.hpp"
#include "db/statement_stats.hpp"

namespace gateway::db {

// Parameters are sent in text format; nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

// What a connection logs of the statements it runs: names, text and durations, never
// parameter values.
struct StatementLogging {
    bool echo = false;  // every statement's text at info: SQL_ECHO
    // A statement that takes at least this long logs one warn line with its name and
    // duration: DB_SLOW_QUERY_MS. Zero logs none.
    std::chrono::milliseconds slow_after{0};
    // Where each statement's duration and outcome are counted; null counts nothing.
    std::shared_ptr<StatementStats> stats = nullptr;
};

class PgConnection {
  public:
    using Clock = std::chrono::steady_clock;

    // Connects with PQconnectStart/PQconnectPoll, re-reading PQsocket after every poll
    // (libpq may open a new socket while it tries TLS or another host), within `timeout`.
    // `conninfo` may hold a password: it is never logged or put into an error.
    static boost::asio::awaitable<DbResult<std::unique_ptr<PgConnection>>> connect(
        boost::asio::any_io_executor executor, std::string conninfo,
        std::chrono::milliseconds timeout);

    // PQfinish. Between operations no descriptor is registered with any reactor, so
    // this may run on any thread.
    ~PgConnection();
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

    // For a connection that LISTENs: waits until a notification arrives or `deadline`
    // passes, and returns how many arrived (0 at the deadline). Notifications that came
    // in with the results of earlier statements count at once.
    boost::asio::awaitable<DbResult<int>> wait_for_notifications(Clock::time_point deadline);

    bool broken() const;  // unusable: lost, timed out, or bad state

    // Reads whatever the server sent while the connection sat idle, without waiting:
    // a backend that was terminated or a server that went away has left its goodbye
    // (or end of file) there. One recv, so the pool can afford it on every checkout.
    // False, and broken from then on, when the connection is gone.
    bool still_connected();
    // Inside a transaction block (or a failed one): handing it to another user would
    // leak this user's transaction, so the pool closes such a connection instead.
    bool in_transaction() const;
    Clock::time_point created_at() const { return created_at_; }
    Clock::time_point last_used() const { return last_used_; }
    bool ssl_in_use() const;
    void set_logging(StatementLogging logging) { logging_ = std::move(logging); }

  private:
    // The socket is registered with the reactor only while one wait lasts (see
    // socket_wait.hpp), so a connection has no executor of its own: each operation
    // runs on the executor of the coroutine that calls it.
    explicit PgConnection(PGconn* conn);
    // libpq's notice receiver; `self` is the PgConnection.
    static void on_notice(void* self, const PGresult* notice);

    struct Bound {
        Clock::time_point deadline;
        std::chrono::milliseconds timeout;  // for messages
    };
    boost::asio::awaitable<DbResult<PgResult>> run_statement(const Statement& statement,
                                                             const Params& params, Bound bound);
    boost::asio::awaitable<DbResult<PgResult>> run_simple(std::string_view sql, Bound bound);
    // Flushes what libpq buffered, then collects every result of the command just sent.
    boost::asio::awaitable<DbResult<PgResult>> finish(std::string_view what, Bound bound);
    DbError lost(std::string_view what, const DbError* server_said = nullptr);
    DbError query_error(const PgResult& result, std::string_view what) const;
    bool is_prepared(const Statement& statement) const;
    // Counts the statement, and logs the slow-statement line when `started` is at least
    // DB_SLOW_QUERY_MS ago.
    void account(std::string_view name, Clock::time_point started, bool succeeded) const;

    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const {
            return std::hash<std::string_view>{}(name);
        }
    };

    PGconn* conn_ = nullptr;
    // Statement name -> its SQL, for statements prepared on this connection. Owned
    // strings: a Statement's views need not outlive the call.
    std::unordered_map<std::string, std::string, NameHash, std::equal_to<>> prepared_;
    Clock::time_point created_at_ = Clock::now();
    Clock::time_point last_used_ = Clock::now();
    bool broken_ = false;
    // Set while an operation runs; left set if one is abandoned midway (an exception
    // or a cancelled coroutine), so the connection then counts as broken.
    bool in_flight_ = false;
    StatementLogging logging_;
};

}  // namespace gateway::db
