#include "sources/aws_access.hpp"

#include <cstddef>
#include <utility>

#include "aws/credential_chain.hpp"

namespace gateway::sources {

namespace {

// Two threads: a start-up fetch and a renewal may overlap (SIGHUP during a rotation).
constexpr std::size_t kBlockingThreads = 2;

}  // namespace

AwsAccess::AwsAccess(config::EnvMap environment, std::shared_ptr<AwsCounters> counters)
    : threads_(kBlockingThreads),
      credentials_(std::make_shared<aws::CredentialChain>(std::move(environment))),
      counters_(counters ? std::move(counters) : std::make_shared<AwsCounters>()) {}

AwsAccess::~AwsAccess() {
    stop();
}

void AwsAccess::stop() {
    threads_.stop();
    threads_.join();
}

}  // namespace gateway::sources
