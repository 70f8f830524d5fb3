// Where a pool gets the conninfo for each connection it opens: fixed for most sources,
// renewable when the credentials live in a store that rotates them (Secrets Manager).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "db/db_error.hpp"

namespace gateway::db {

class ConninfoSource {
  public:
    using Clock = std::chrono::steady_clock;

    // The conninfo to open the next connection with, and which version of it that is.
    struct Current {
        std::string conninfo;  // may carry a password: never logged
        std::uint64_t generation = 0;
    };

    virtual ~ConninfoSource() = default;

    virtual Current current() const = 0;

    // The server refused a connection opened with `generation`'s conninfo for its
    // credentials. True when a newer conninfo is there to try: already, or after fetching
    // one before `deadline`. False when there is none (or none may be fetched yet).
    virtual boost::asio::awaitable<bool> renew_after_refusal(std::uint64_t generation,
                                                             Clock::time_point deadline) = 0;
};

// A conninfo that never changes (DATABASE_URL, AWS_DB_*).
class FixedConninfo final : public ConninfoSource {
  public:
    explicit FixedConninfo(std::string conninfo) : conninfo_(std::move(conninfo)) {}
    Current current() const override { return {conninfo_, 0}; }
    boost::asio::awaitable<bool> renew_after_refusal(std::uint64_t, Clock::time_point) override {
        co_return false;
    }

  private:
    const std::string conninfo_;
};

// The server refused the login itself: a wrong password (28P01) or a role that may not
// log in or does not exist (28000), which is what rotation away from a user looks like.
bool is_credentials_refusal(const DbError& error);

}  // namespace gateway::db
