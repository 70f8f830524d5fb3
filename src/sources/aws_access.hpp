// What the sources that call AWS (Secrets Manager, IAM auth tokens) share: a few threads
// for the blocking HTTPS calls, so that they never hold up an event loop, and the AWS
// credential chain.
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config/settings.hpp"
#include "sources/aws_counters.hpp"

namespace gateway::aws {
class CredentialChain;
}

namespace gateway::sources {

class AwsAccess {
  public:
    // `environment` is where the credential chain looks (AWS_ACCESS_KEY_ID, profiles,
    // container and web identity variables); it is read on the first call that needs it.
    // `counters` receives what the sources count of their AWS calls.
    AwsAccess(config::EnvMap environment, std::shared_ptr<AwsCounters> counters);
    ~AwsAccess();
    AwsAccess(const AwsAccess&) = delete;
    AwsAccess& operator=(const AwsAccess&) = delete;

    boost::asio::any_io_executor blocking_executor() { return threads_.get_executor(); }

    // Shared: a renewal started on the threads may outlive the call that started it.
    const std::shared_ptr<aws::CredentialChain>& credentials() const { return credentials_; }

    const std::shared_ptr<AwsCounters>& counters() const { return counters_; }

    // Queued calls are dropped; one under way ends within its own timeouts.
    void stop();

  private:
    boost::asio::thread_pool threads_;
    std::shared_ptr<aws::CredentialChain> credentials_;
    std::shared_ptr<AwsCounters> counters_;
};

}  // namespace gateway::sources
