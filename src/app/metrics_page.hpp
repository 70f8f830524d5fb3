// GET /metrics: the Prometheus page, put together from what each part of the service
// counts, at scrape time.
#pragma once

#include <string>

#include "db/circuit_breaker.hpp"
#include "db/database_manager.hpp"
#include "http/server.hpp"
#include "local/journal.hpp"
#include "sources/aws_counters.hpp"
#include "store/memory_store.hpp"
#include "store/mirror_status.hpp"

namespace gateway::app {

struct MetricsSources {
    const http::Server* server = nullptr;  // null until the API listener exists
    const db::DatabaseManager& database;
    const store::MemoryStore& memory;             // every stored API, mirror or record
    const store::MirrorStatus* mirror = nullptr;  // these three: null without a database
    const db::CircuitBreaker* breaker = nullptr;
    const local::Journal* journal = nullptr;
    const sources::AwsCounters* aws = nullptr;
};

std::string metrics_page(const MetricsSources& sources);

}  // namespace gateway::app
