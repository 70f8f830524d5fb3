#include "sources/iam_source.hpp"

#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "aws/credential_chain.hpp"
#include "sources/blocking_work.hpp"
#include "sources/pool_conninfo.hpp"

namespace gateway::sources {

namespace {

// The chain's answer with its error as one clause for a log line.
domain::Expected<aws::Credentials, std::string> fetch_credentials(aws::CredentialChain& chain) {
    auto credentials = chain.get();
    if (!credentials) return domain::unexpected(std::move(credentials.error().message));
    return std::move(*credentials);
}

}  // namespace

boost::asio::awaitable<std::shared_ptr<IamTokenConninfo>> make_iam_token_conninfo(
    const config::IamAuthentication& iam, const config::ConnectionParams& params, AwsAccess& aws,
    std::chrono::milliseconds statement_timeout) {
    const boost::asio::any_io_executor blocking = aws.blocking_executor();
    // Named, not a temporary of the co_await expression (see run_blocking).
    auto fetch = [credentials = aws.credentials()] { return fetch_credentials(*credentials); };
    auto initial = co_await run_blocking(blocking, fetch);
    if (!*initial) {
        spdlog::warn("database: source {} skipped: no AWS credentials to sign IAM auth tokens: {}",
                     config::AwsDbSource::kind, initial->error());
        co_return nullptr;
    }
    spdlog::info(
        "database: source {} logs in with IAM auth tokens for region {}, signed with "
        "credentials from {}",
        config::AwsDbSource::kind, iam.region, (*initial)->provider);
    auto render = [statement_timeout](const config::ConnectionParams& with_token) {
        return pool_conninfo(with_token, statement_timeout);
    };
    // Fetches after this first one renew the credentials in use.
    auto refresh = [fetch, counters = aws.counters()] {
        counters->credential_refreshes.fetch_add(1, std::memory_order_relaxed);
        return fetch();
    };
    co_return IamTokenConninfo::create(params, iam.region, std::move(**initial), std::move(refresh),
                                       std::move(render), blocking, {});
}

}  // namespace gateway::sources
