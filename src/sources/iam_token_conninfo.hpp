// AWS_DB_IAM_AUTH: every new connection logs in with a fresh RDS IAM auth token (a
// presigned rds-db:connect request, valid 15 minutes) in place of a password. Tokens
// are signed on the spot from cached AWS credentials; the credentials themselves are
// refreshed on an executor made for blocking work, before they expire, so that opening
// a connection never waits for the network on an event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "aws/credentials.hpp"
#include "config/connection_params.hpp"
#include "db/conninfo_source.hpp"
#include "domain/expected.hpp"

namespace gateway::sources {

class IamTokenConninfo final : public db::ConninfoSource,
                               public std::enable_shared_from_this<IamTokenConninfo> {
  public:
    // Blocking (the credential chain); the error is one clause for a log line.
    using FetchCredentials = std::function<domain::Expected<aws::Credentials, std::string>()>;
    using Render = std::function<std::string(const config::ConnectionParams&)>;
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    struct Options {
        // Credentials this close to expiry are refreshed in the background.
        std::chrono::seconds refresh_before_expiry{std::chrono::minutes(5)};
        // A refused token asks for new credentials at most this often.
        std::chrono::milliseconds min_refusal_interval{std::chrono::seconds(30)};
        WallClock now = [] { return std::chrono::system_clock::now(); };
    };

    // `params` carry no password; `initial` are credentials the chain just gave.
    static std::shared_ptr<IamTokenConninfo> create(config::ConnectionParams params,
                                                    std::string region, aws::Credentials initial,
                                                    FetchCredentials fetch, Render render,
                                                    boost::asio::any_io_executor blocking,
                                                    Options options);

    // The conninfo with a token signed now.
    Current current() const override;

    // A refused token: the credentials may have been revoked or rotated, so they are
    // fetched again (at most once per min_refusal_interval). True when that gave
    // credentials other than those the refused token was signed with.
    boost::asio::awaitable<bool> renew_after_refusal(std::uint64_t generation,
                                                     Clock::time_point deadline) override;

  private:
    IamTokenConninfo(config::ConnectionParams params, std::string region, aws::Credentials initial,
                     FetchCredentials fetch, Render render, boost::asio::any_io_executor blocking,
                     Options options);
    // Starts one background refresh when the cached credentials near their expiry.
    void refresh_if_expiring() const;
    // Installs fetched credentials; true when they differ from those in use.
    bool install(const domain::Expected<aws::Credentials, std::string>& fetched) const;

    const config::ConnectionParams params_;
    const std::string region_;
    const FetchCredentials fetch_;
    const Render render_;
    const boost::asio::any_io_executor blocking_;
    const Options options_;

    mutable std::mutex mutex_;
    // Guarded by mutex_ (current() is const for the pool, yet refreshes the cache).
    mutable aws::Credentials credentials_;
    mutable std::uint64_t generation_ = 0;
    mutable bool refreshing_ = false;
    mutable std::optional<Clock::time_point> last_refusal_fetch_;
};

}  // namespace gateway::sources
