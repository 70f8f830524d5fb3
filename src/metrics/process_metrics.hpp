// The process figures every Prometheus exporter shares (process_*), read from /proc at
// scrape time: resident and virtual memory, open and allowed descriptors, CPU time, start
// time. A figure that cannot be read is left out rather than reported as zero.
#pragma once

#include "metrics/exposition.hpp"

namespace gateway::metrics {

void write_process_metrics(Exposition& out);

}  // namespace gateway::metrics
