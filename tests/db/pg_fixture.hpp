// Shared by the tests/db pg tests: the cluster's coordinates, a private io_context, and
// a way to run a coroutine to completion that fails the test rather than hanging it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "db/connection_pool.hpp"
#include "db/pg_connection.hpp"
#include "support/pg_test_env.hpp"

namespace gateway::test {

using namespace std::chrono_literals;

// No test operation should come near this; it only turns a hang into a failure.
inline constexpr std::chrono::milliseconds kPgTestBound = 60s;

template <class T>
T run_bounded(boost::asio::io_context& io, boost::asio::awaitable<T> operation,
              std::chrono::milliseconds bound = kPgTestBound) {
    std::optional<T> result;
    std::exception_ptr failure;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> { result.emplace(co_await std::move(operation)); },
        [&failure](std::exception_ptr error) { failure = error; });
    io.restart();
    io.run_for(bound);
    if (failure) std::rethrow_exception(failure);
    if (!result)
        throw std::runtime_error("a database operation did not finish within the test bound");
    return std::move(*result);
}

class PgTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto env = PgTestEnv::from_environment();
        if (!env) {
            GTEST_SKIP() << PgTestEnv::kVariable << " is not set; run these through `ctest -L pg`";
        }
        env_ = std::move(*env);
    }

    std::string app_conninfo(const PgConnectOptions& options = {}) const {
        return env_.conninfo(PgRole::app, options);
    }

    db::DbResult<std::unique_ptr<db::PgConnection>> connect(
        const std::string& conninfo, std::chrono::milliseconds timeout = 10s) {
        return run_bounded(io_, db::PgConnection::connect(io_.get_executor(), conninfo, timeout));
    }

    // A connection the test cannot do without: fails the test if it cannot be opened.
    std::unique_ptr<db::PgConnection> must_connect(PgRole role = PgRole::app) {
        auto connection = connect(env_.conninfo(role));
        if (!connection) throw std::runtime_error("connect failed: " + connection.error().message);
        return std::move(connection).value();
    }

    db::DbResult<db::PgResult> query(db::PgConnection& connection, std::string_view sql,
                                     std::chrono::milliseconds timeout = 10s) {
        return run_bounded(io_, connection.simple_query(sql, timeout));
    }

    db::DbResult<db::PgResult> execute(db::PgConnection& connection, const db::Statement& statement,
                                       const db::Params& params = {},
                                       std::chrono::milliseconds timeout = 10s) {
        return run_bounded(io_, connection.execute(statement, params, timeout));
    }

    db::DbResult<db::PooledConnection> acquire(db::ConnectionPool& pool) {
        return run_bounded(io_, pool.acquire());
    }

    // Ends a backend from a superuser connection and waits until it is gone.
    void terminate_backend(std::int64_t pid) {
        auto admin = must_connect(PgRole::superuser);
        const db::Statement terminate{"test_terminate_backend",
                                      "SELECT pg_terminate_backend($1::int, 10000)"};
        auto done = execute(*admin, terminate, {std::to_string(pid)});
        ASSERT_TRUE(done) << done.error().message;
        ASSERT_TRUE(done->boolean(0, 0));
    }

    std::int64_t backend_pid(db::PgConnection& connection) {
        auto pid = query(connection, "SELECT pg_backend_pid()");
        if (!pid) throw std::runtime_error("pg_backend_pid failed: " + pid.error().message);
        return pid->integer(0, 0);
    }

    PgTestEnv env_;
    boost::asio::io_context io_;
};

}  // namespace gateway::test
