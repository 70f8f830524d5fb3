// What the HTTP server counts: requests by method, route template and status, their
// durations by route, requests in flight, and what it refused. Each worker thread records
// into its own block (no cache line is shared between workers on the request path); a
// scrape adds the blocks up.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "api/route_templates.hpp"
#include "metrics/exposition.hpp"
#include "metrics/histogram.hpp"

namespace gateway::http {

inline constexpr std::array<std::string_view, 8> counted_methods = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};

// The codes the service answers with; any other code is counted under its class ("5xx").
inline constexpr std::array<unsigned, 21> counted_statuses = {200, 201, 204, 304, 400, 401, 403,
                                                              404, 405, 409, 412, 413, 415, 422,
                                                              428, 429, 431, 500, 502, 503, 504};

class WorkerHttpMetrics {
  public:
    // An answered request (the refusals of unreadable requests included).
    void record(std::string_view method, std::string_view route, unsigned status,
                std::chrono::steady_clock::duration took);
    // A request's header has arrived / its answer is written.
    void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
    // A client that connected to the TLS listener and failed its handshake (no TLS, an
    // old protocol, no common cipher, a client certificate refused, or too slow).
    void tls_handshake_failed() { tls_handshake_failures_.fetch_add(1, std::memory_order_relaxed); }

  private:
    friend class HttpMetrics;
    static constexpr std::size_t status_slots = counted_statuses.size() + 5;  // + 1xx..5xx
    static constexpr std::size_t slots =
        counted_methods.size() * api::route_templates.size() * status_slots;

    std::array<std::atomic<std::uint64_t>, slots> requests_{};
    std::array<metrics::LatencyHistogram, api::route_templates.size()> durations_{};
    std::atomic<std::int64_t> in_flight_{0};
    std::atomic<std::uint64_t> body_too_large_{0};
    std::atomic<std::uint64_t> header_too_large_{0};
    std::atomic<std::uint64_t> tls_handshake_failures_{0};
};

// Counts a request in flight for as long as it lives.
class InFlightRequest {
  public:
    explicit InFlightRequest(WorkerHttpMetrics& metrics) : metrics_(metrics) {
        metrics_.request_started();
    }
    ~InFlightRequest() { metrics_.request_finished(); }
    InFlightRequest(const InFlightRequest&) = delete;
    InFlightRequest& operator=(const InFlightRequest&) = delete;

  private:
    WorkerHttpMetrics& metrics_;
};

class HttpMetrics {
  public:
    explicit HttpMetrics(std::size_t workers);

    // Used only by worker `index`'s thread (and read by scrapes).
    WorkerHttpMetrics& worker(std::size_t index) { return *workers_[index]; }

    // A connection closed at once because HTTP_MAX_CONNECTIONS were open.
    void connection_refused() { connections_refused_.fetch_add(1, std::memory_order_relaxed); }

    void write(metrics::Exposition& out, std::size_t open_connections) const;

  private:
    // Blocks on their own cache lines: the workers write them all the time.
    struct alignas(64) Block : WorkerHttpMetrics {};

    std::vector<std::unique_ptr<Block>> workers_;
    std::atomic<std::uint64_t> connections_refused_{0};
};

}  // namespace gateway::http
