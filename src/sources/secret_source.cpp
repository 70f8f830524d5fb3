#include "sources/secret_source.hpp"

#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "aws/database_secret.hpp"
#include "sources/blocking_work.hpp"
#include "sources/pool_conninfo.hpp"

namespace gateway::sources {

boost::asio::awaitable<std::optional<config::ConnectionParams>> fetch_secret_params(
    const config::SecretsManagerSource& source, AwsAccess& aws) {
    const boost::asio::any_io_executor blocking = aws.blocking_executor();
    // Named, not a temporary of the co_await expression (see run_blocking).
    auto fetch = [&source, credentials = aws.credentials()] {
        return aws::fetch_database_secret(source, *credentials);
    };
    auto result = co_await run_blocking(blocking, std::move(fetch));
    auto& fetched = *result;
    aws.counters()->secret_fetches.fetch_add(1, std::memory_order_relaxed);
    if (!fetched) {
        aws.counters()->secret_fetch_failures.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn("database: source {} skipped: {}", source.kind, fetched.error().message);
        co_return std::nullopt;
    }
    spdlog::info("database: source {}: read secret {} (version {}) signed with credentials from {}",
                 source.kind, source.secret_id,
                 fetched->version_id.empty() ? "unknown" : fetched->version_id,
                 fetched->credentials_provider);
    co_return with_application_name(std::move(fetched->params));
}

std::shared_ptr<db::RenewableConninfo> renewable_secret_conninfo(
    const config::SecretsManagerSource& source, config::ConnectionParams initial, AwsAccess& aws,
    std::chrono::milliseconds statement_timeout) {
    // The fetch runs on the blocking threads and may outlive this call: it owns copies.
    auto fetch = [source, credentials = aws.credentials(),
                  counters =
                      aws.counters()]() -> domain::Expected<config::ConnectionParams, std::string> {
        auto fetched = aws::fetch_database_secret(source, *credentials);
        counters->secret_fetches.fetch_add(1, std::memory_order_relaxed);
        counters->credential_refreshes.fetch_add(1, std::memory_order_relaxed);
        if (!fetched) {
            counters->secret_fetch_failures.fetch_add(1, std::memory_order_relaxed);
            return domain::unexpected(std::move(fetched.error().message));
        }
        return with_application_name(std::move(fetched->params));
    };
    auto render = [statement_timeout](const config::ConnectionParams& params) {
        return pool_conninfo(params, statement_timeout);
    };
    return db::RenewableConninfo::create(std::move(initial), std::move(fetch), std::move(render),
                                         aws.blocking_executor(),
                                         db::RenewableConninfo::Options{std::string(source.kind)});
}

}  // namespace gateway::sources
