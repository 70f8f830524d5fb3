#include "http/http_metrics.hpp"

#include <string>

namespace gateway::http {

namespace {

std::size_t method_index(std::string_view method) {
    for (std::size_t i = 0; i + 1 < counted_methods.size(); ++i) {
        if (counted_methods[i] == method) return i;
    }
    return counted_methods.size() - 1;
}

std::size_t status_index(unsigned status) {
    for (std::size_t i = 0; i < counted_statuses.size(); ++i) {
        if (counted_statuses[i] == status) return i;
    }
    const unsigned status_class = status >= 100 && status < 600 ? status / 100 : 5;
    return counted_statuses.size() + status_class - 1;
}

std::string status_label(std::size_t index) {
    if (index < counted_statuses.size()) return std::to_string(counted_statuses[index]);
    return std::to_string(index - counted_statuses.size() + 1) + "xx";
}

}  // namespace

void WorkerHttpMetrics::record(std::string_view method, std::string_view route, unsigned status,
                               std::chrono::steady_clock::duration took) {
    const std::size_t route_at = api::route_index(route);
    const std::size_t slot =
        (method_index(method) * api::route_templates.size() + route_at) * status_slots +
        status_index(status);
    requests_[slot].fetch_add(1, std::memory_order_relaxed);
    durations_[route_at].observe(took);
    if (status == 413) body_too_large_.fetch_add(1, std::memory_order_relaxed);
    if (status == 431) header_too_large_.fetch_add(1, std::memory_order_relaxed);
}

HttpMetrics::HttpMetrics(std::size_t workers) {
    workers_.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i) workers_.push_back(std::make_unique<Block>());
}

void HttpMetrics::write(metrics::Exposition& out, std::size_t open_connections) const {
    using metrics::MetricType;
    constexpr std::size_t routes = api::route_templates.size();
    constexpr std::size_t statuses = WorkerHttpMetrics::status_slots;

    std::vector<std::uint64_t> requests(WorkerHttpMetrics::slots, 0);
    std::array<metrics::HistogramCounts, routes> durations{};
    std::int64_t in_flight = 0;
    std::uint64_t body_too_large = 0;
    std::uint64_t header_too_large = 0;
    std::uint64_t tls_handshake_failures = 0;
    for (const auto& block : workers_) {
        for (std::size_t i = 0; i < requests.size(); ++i) {
            requests[i] += block->requests_[i].load(std::memory_order_relaxed);
        }
        for (std::size_t r = 0; r < routes; ++r) block->durations_[r].add_to(durations[r]);
        in_flight += block->in_flight_.load(std::memory_order_relaxed);
        body_too_large += block->body_too_large_.load(std::memory_order_relaxed);
        header_too_large += block->header_too_large_.load(std::memory_order_relaxed);
        tls_handshake_failures += block->tls_handshake_failures_.load(std::memory_order_relaxed);
    }

    out.family("gateway_http_requests_total", MetricType::counter,
               "Requests answered, by method, route template and status code.");
    for (std::size_t m = 0; m < counted_methods.size(); ++m) {
        for (std::size_t r = 0; r < routes; ++r) {
            for (std::size_t s = 0; s < statuses; ++s) {
                const auto count = requests[(m * routes + r) * statuses + s];
                if (count == 0) continue;
                const std::string status = status_label(s);
                out.sample("gateway_http_requests_total",
                           {{"method", counted_methods[m]},
                            {"route", api::route_templates[r]},
                            {"status", status}},
                           count);
            }
        }
    }
    out.family("gateway_http_request_duration_seconds", MetricType::histogram,
               "Time from a request's complete header to its answer being written, by route "
               "template.");
    for (std::size_t r = 0; r < routes; ++r) {
        if (durations[r].count() == 0) continue;
        metrics::write_histogram(out, "gateway_http_request_duration_seconds",
                                 {{"route", api::route_templates[r]}}, durations[r]);
    }
    out.family("gateway_http_requests_in_flight", MetricType::gauge,
               "Requests whose header has arrived and whose answer is not yet written.");
    out.sample("gateway_http_requests_in_flight", static_cast<double>(in_flight));
    out.family("gateway_http_connections_open", MetricType::gauge, "Client connections open.");
    out.sample("gateway_http_connections_open", static_cast<std::uint64_t>(open_connections));
    out.family("gateway_http_connections_refused_total", MetricType::counter,
               "Connections closed at once because HTTP_MAX_CONNECTIONS were open.");
    out.sample("gateway_http_connections_refused_total",
               connections_refused_.load(std::memory_order_relaxed));
    out.family("gateway_http_requests_refused_total", MetricType::counter,
               "Requests refused for their size: body over its limit (413) or header over its "
               "limit (431).");
    out.sample("gateway_http_requests_refused_total", {{"reason", "body_too_large"}},
               body_too_large);
    out.sample("gateway_http_requests_refused_total", {{"reason", "header_too_large"}},
               header_too_large);
    out.family("gateway_http_tls_handshake_failures_total", MetricType::counter,
               "Connections to the TLS listener closed because their handshake failed.");
    out.sample("gateway_http_tls_handshake_failures_total", tls_handshake_failures);
}

}  // namespace gateway::http
