// What the sources count of their calls to AWS, for the metrics page. Shared: a fetch
// running on the blocking threads may outlive whatever started it.
#pragma once

#include <atomic>
#include <cstdint>

namespace gateway::sources {

struct AwsCounters {
    // Reads of a database secret from Secrets Manager (at start, on SIGHUP, on renewal),
    // and those that failed.
    std::atomic<std::uint64_t> secret_fetches{0};
    std::atomic<std::uint64_t> secret_fetch_failures{0};
    // Database credentials fetched again while in use: a secret read again after the
    // server refused its password, or the AWS credentials behind IAM auth tokens renewed.
    std::atomic<std::uint64_t> credential_refreshes{0};
};

}  // namespace gateway::sources
