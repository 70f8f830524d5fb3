#include "sources/source_resolver.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "db/conninfo_source.hpp"
#include "sources/iam_source.hpp"
#include "sources/pool_conninfo.hpp"
#include "sources/secret_source.hpp"

namespace gateway::sources {

namespace {

// What every candidate shows about itself; `params` are the ones the source resolved to
// (application_name included), never shown with their password.
db::PrimaryCandidate described(std::string_view kind, const config::ConnectionParams& params) {
    db::PrimaryCandidate candidate;
    candidate.source = std::string(kind);
    candidate.description = config::describe_for_log(params);
    candidate.host = params.host;
    candidate.port = params.port;
    candidate.database = params.dbname;
    candidate.user = params.user;
    return candidate;
}

}  // namespace

bool calls_aws(const std::vector<config::DatabaseSource>& sources) {
    return std::ranges::any_of(sources, [](const config::DatabaseSource& source) {
        if (std::holds_alternative<config::SecretsManagerSource>(source)) return true;
        const auto* aws_db = std::get_if<config::AwsDbSource>(&source);
        return aws_db != nullptr && aws_db->iam.has_value();
    });
}

SourceResolver::SourceResolver(std::vector<config::DatabaseSource> sources,
                               config::EnvMap environment,
                               std::chrono::milliseconds statement_timeout,
                               std::shared_ptr<AwsCounters> aws_counters)
    : sources_(std::move(sources)), statement_timeout_(statement_timeout) {
    if (calls_aws(sources_)) {
        aws_ = std::make_unique<AwsAccess>(std::move(environment), std::move(aws_counters));
    }
}

void SourceResolver::stop() {
    if (aws_) aws_->stop();
}

boost::asio::awaitable<std::optional<db::PrimaryCandidate>> SourceResolver::prepare(
    std::size_t index) {
    const config::DatabaseSource& source = sources_.at(index);
    if (const auto* url = std::get_if<config::DatabaseUrlSource>(&source)) {
        co_return with_fixed_params(url->kind, url->params);
    }
    if (const auto* secret = std::get_if<config::SecretsManagerSource>(&source)) {
        co_return co_await from_secret(*secret);
    }
    const auto& aws_db = std::get<config::AwsDbSource>(source);
    if (aws_db.iam) co_return co_await from_iam(aws_db);
    co_return with_fixed_params(aws_db.kind, aws_db.params);
}

boost::asio::awaitable<std::optional<db::PrimaryCandidate>> SourceResolver::from_secret(
    const config::SecretsManagerSource& source) {
    auto params = co_await fetch_secret_params(source, *aws_);
    if (!params) co_return std::nullopt;
    auto candidate = described(source.kind, *params);
    // The pre-flight check and migrations connect without the statement timeout.
    candidate.preflight_conninfo = config::to_conninfo(*params);
    auto renewable = renewable_secret_conninfo(source, *params, *aws_, statement_timeout_);
    candidate.renewable = renewable;
    candidate.conninfo = std::move(renewable);
    co_return candidate;
}

boost::asio::awaitable<std::optional<db::PrimaryCandidate>> SourceResolver::from_iam(
    const config::AwsDbSource& source) {
    const auto params = with_application_name(source.params);
    auto iam = co_await make_iam_token_conninfo(*source.iam, params, *aws_, statement_timeout_);
    if (!iam) co_return std::nullopt;
    auto candidate = described(source.kind, params);
    // A token signed now; it carries the statement timeout as every token conninfo does.
    candidate.preflight_conninfo = iam->current().conninfo;
    candidate.conninfo = std::move(iam);
    co_return candidate;
}

db::PrimaryCandidate SourceResolver::with_fixed_params(
    std::string_view kind, const config::ConnectionParams& source_params) const {
    const auto params = with_application_name(source_params);
    auto candidate = described(kind, params);
    candidate.preflight_conninfo = config::to_conninfo(params);
    candidate.conninfo =
        std::make_shared<db::FixedConninfo>(pool_conninfo(params, statement_timeout_));
    return candidate;
}

}  // namespace gateway::sources
