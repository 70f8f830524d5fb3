// What a CredentialChain may be given besides the environment: the clock it judges
// expiry by, and the bounds on each network step. The defaults are the service's; tests
// shorten the timeouts and move the clock instead of waiting.
#pragma once

#include <chrono>
#include <functional>

namespace gateway::aws {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct StepTimeouts {
    std::chrono::milliseconds connect;
    std::chrono::milliseconds total;
};

struct CredentialChainOptions {
    // Every decision about expiry uses this clock, never the system's directly.
    WallClock clock = [] { return std::chrono::system_clock::now(); };

    // The SDKs give the instance metadata service about a second per step: on a host
    // without it, every caller would otherwise wait for nothing at start-up.
    StepTimeouts instance_metadata{std::chrono::milliseconds(1000),
                                   std::chrono::milliseconds(1000)};
    // The container endpoint is local to the task or pod, but its agent may be busy.
    StepTimeouts container{std::chrono::milliseconds(1000), std::chrono::milliseconds(2000)};
    // STS is a public endpoint across the internet.
    StepTimeouts sts{std::chrono::milliseconds(3000), std::chrono::milliseconds(5000)};

    // Temporary credentials are refreshed once they are this close to expiry.
    std::chrono::seconds refresh_window{300};
    // After a failed refresh while the cached credentials still hold, the next attempt
    // waits this long, so that a dead endpoint does not cost every caller a timeout.
    std::chrono::seconds retry_after_failed_refresh{10};
};

}  // namespace gateway::aws
