// From configuration to connectable sources: each configured database source, in the
// contract's order, made ready for the database manager to try. Everything that needs
// AWS (fetching a secret, signing IAM auth tokens) happens here, so that the db layer
// connects without knowing where its credentials come from.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "config/database_sources.hpp"
#include "config/settings.hpp"
#include "db/primary_candidate.hpp"
#include "sources/aws_access.hpp"

namespace gateway::sources {

// Whether any source calls AWS: Secrets Manager, or AWS_DB_* with IAM auth tokens.
bool calls_aws(const std::vector<config::DatabaseSource>& sources);

class SourceResolver final : public db::PrimaryCandidates {
  public:
    // `environment` is where the AWS credential chain looks; threads for AWS calls are
    // started only when a source calls AWS. `statement_timeout` is the client's
    // (DB_STATEMENT_TIMEOUT): the pool's connections ask the server for a little less.
    // `aws_counters`, when given, counts the AWS calls.
    SourceResolver(std::vector<config::DatabaseSource> sources, config::EnvMap environment,
                   std::chrono::milliseconds statement_timeout,
                   std::shared_ptr<AwsCounters> aws_counters = nullptr);

    std::size_t size() const override { return sources_.size(); }
    boost::asio::awaitable<std::optional<db::PrimaryCandidate>> prepare(std::size_t index) override;
    void stop() override;

  private:
    boost::asio::awaitable<std::optional<db::PrimaryCandidate>> from_secret(
        const config::SecretsManagerSource& source);
    boost::asio::awaitable<std::optional<db::PrimaryCandidate>> from_iam(
        const config::AwsDbSource& source);
    // DATABASE_URL, and AWS_DB_* with a password: the parameters are all there is.
    db::PrimaryCandidate with_fixed_params(std::string_view kind,
                                           const config::ConnectionParams& params) const;

    const std::vector<config::DatabaseSource> sources_;
    const std::chrono::milliseconds statement_timeout_;
    std::unique_ptr<AwsAccess> aws_;  // only when a source calls AWS
};

}  // namespace gateway::sources
