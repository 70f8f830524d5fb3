#include "sources/iam_token_conninfo.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "aws/rds_auth_token.hpp"
#include "sources/blocking_work.hpp"

namespace gateway::sources {

std::shared_ptr<IamTokenConninfo> IamTokenConninfo::create(
    config::ConnectionParams params, std::string region, aws::Credentials initial,
    FetchCredentials fetch, Render render, boost::asio::any_io_executor blocking, Options options) {
    return std::shared_ptr<IamTokenConninfo>(new IamTokenConninfo(
        std::move(params), std::move(region), std::move(initial), std::move(fetch),
        std::move(render), std::move(blocking), std::move(options)));
}

IamTokenConninfo::IamTokenConninfo(config::ConnectionParams params, std::string region,
                                   aws::Credentials initial, FetchCredentials fetch, Render render,
                                   boost::asio::any_io_executor blocking, Options options)
    : params_(std::move(params)),
      region_(std::move(region)),
      fetch_(std::move(fetch)),
      render_(std::move(render)),
      blocking_(std::move(blocking)),
      options_(std::move(options)),
      credentials_(std::move(initial)) {}

IamTokenConninfo::Current IamTokenConninfo::current() const {
    refresh_if_expiring();
    aws::Credentials credentials;
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(mutex_);
        credentials = credentials_;
        generation = generation_;
    }
    config::ConnectionParams params = params_;
    params.password = aws::rds_auth_token(params.host, params.port, params.user,
                                          aws::RdsTokenScope{region_, options_.now()}, credentials);
    return {render_(params), generation};
}

void IamTokenConninfo::refresh_if_expiring() const {
    {
        std::lock_guard lock(mutex_);
        if (refreshing_ || !credentials_.expiration) return;
        if (*credentials_.expiration - options_.now() > options_.refresh_before_expiry) return;
        refreshing_ = true;
    }
    // Until the refresh lands, tokens are signed with the cached credentials, which are
    // still valid for a few minutes.
    boost::asio::post(blocking_, [self = shared_from_this()] {
        const auto fetched = self->fetch_();
        if (!fetched) {
            spdlog::warn("database: refreshing AWS credentials for IAM auth failed: {}",
                         fetched.error());
        }
        self->install(fetched);
        std::lock_guard lock(self->mutex_);
        self->refreshing_ = false;
    });
}

bool IamTokenConninfo::install(
    const domain::Expected<aws::Credentials, std::string>& fetched) const {
    if (!fetched) return false;
    std::lock_guard lock(mutex_);
    const bool changed = fetched->access_key_id != credentials_.access_key_id ||
                         fetched->secret_access_key != credentials_.secret_access_key ||
                         fetched->session_token != credentials_.session_token;
    credentials_ = *fetched;
    if (changed) ++generation_;
    return changed;
}

boost::asio::awaitable<bool> IamTokenConninfo::renew_after_refusal(std::uint64_t generation,
                                                                   Clock::time_point deadline) {
    {
        std::lock_guard lock(mutex_);
        // Credentials newer than those the refused token used are already here.
        if (generation != generation_) co_return true;
        const auto now = Clock::now();
        if (last_refusal_fetch_ && now - *last_refusal_fetch_ < options_.min_refusal_interval) {
            co_return false;
        }
        if (now >= deadline) co_return false;
        last_refusal_fetch_ = now;
    }
    spdlog::warn("database: the server refused an IAM auth token; fetching AWS credentials again");
    // Named, not a temporary of the co_await expression (see run_blocking).
    auto fetch = [self = shared_from_this()] { return self->fetch_(); };
    auto fetched = co_await run_blocking(blocking_, std::move(fetch));
    if (!*fetched) {
        spdlog::warn("database: fetching AWS credentials for IAM auth failed: {}",
                     fetched->error());
        co_return false;
    }
    co_return install(*fetched);
}

}  // namespace gateway::sources
