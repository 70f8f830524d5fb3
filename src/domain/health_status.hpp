// How the storage behind the service is doing. Code compares the enum; its name is
// written only where JSON is (api/health).
#pragma once

namespace gateway::domain {

enum class HealthStatus {
    healthy,    // the primary database answers
    degraded,   // in-memory storage is in use: the service works, data is not durable
    unhealthy,  // the primary database does not answer
};

}  // namespace gateway::domain
