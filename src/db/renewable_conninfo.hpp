// A conninfo whose credentials can be fetched again when the server starts refusing them:
// rotation without a restart. A renewal runs the (blocking) fetch on an executor made
// for blocking work, never on an event loop; connects that are refused meanwhile wait
// for that one fetch instead of starting their own, and renewals are at least
// `min_interval` apart, so a secret that is not updated yet cannot turn every request
// into a call to the secret store.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "config/connection_params.hpp"
#include "db/conninfo_source.hpp"
#include "domain/expected.hpp"

namespace gateway::db {

class RenewableConninfo final : public ConninfoSource,
                                public std::enable_shared_from_this<RenewableConninfo> {
  public:
    // Blocking; the error is one clause for a log line, never a secret.
    using Fetch = std::function<domain::Expected<config::ConnectionParams, std::string>()>;
    // The parameters as the pool connects with them (application_name, server-side
    // statement timeout...), rendered as conninfo.
    using Render = std::function<std::string(const config::ConnectionParams&)>;

    struct Options {
        std::string label;  // the source's name, for log lines ("AWS Secrets Manager")
        std::chrono::milliseconds min_interval{std::chrono::seconds(30)};
    };

    // `initial` is what the source's first fetch gave; the first renewal may follow at
    // once, since those credentials were good when they were fetched.
    static std::shared_ptr<RenewableConninfo> create(config::ConnectionParams initial, Fetch fetch,
                                                     Render render,
                                                     boost::asio::any_io_executor blocking,
                                                     Options options);

    Current current() const override;
    boost::asio::awaitable<bool> renew_after_refusal(std::uint64_t generation,
                                                     Clock::time_point deadline) override;

    // The parameters in use now, for connection_info (the password is the caller's to hide).
    config::ConnectionParams params() const;
    // How many fetches renewals have started.
    std::uint64_t renewals() const;

  private:
    struct Waiter;
    RenewableConninfo(config::ConnectionParams initial, Fetch fetch, Render render,
                      boost::asio::any_io_executor blocking, Options options);
    void finish_renewal(domain::Expected<config::ConnectionParams, std::string> fetched);

    const Fetch fetch_;
    const Render render_;
    const boost::asio::any_io_executor blocking_;
    const Options options_;

    mutable std::mutex mutex_;
    // Everything below is guarded by mutex_.
    config::ConnectionParams params_;
    std::string conninfo_;
    std::uint64_t generation_ = 0;
    bool renewing_ = false;
    std::optional<Clock::time_point> last_renewal_;
    bool told_about_interval_ = false;  // one log line per refused window, not one per connect
    std::uint64_t renewals_ = 0;
    std::vector<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace gateway::db
