// The /apis and /audit endpoints: translate between the contract's HTTP shapes and the repository.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/url/params_view.hpp>

#include "api/request.hpp"
#include "domain/expected.hpp"
#include "store/repository.hpp"

namespace gateway::api {

// Since when the data a read returns may be stale (the mirror lost its primary), or
// nullopt while it is current.
using StaleSince = std::function<std::optional<domain::Millis>()>;

// The response header that carries it on reads, as an RFC 3339 timestamp.
inline constexpr std::string_view kStaleSinceHeader = "Stale-Since";

// Whether this instance holds accepted writes that have not reached the primary yet
// (the write journal is not empty).
using ReplicationPending = std::function<bool()>;

// The response header a write carries while it (or one accepted before it) waits in the
// journal to be replayed into the primary.
inline constexpr std::string_view kReplicationHeader = "Replication";

// The response header that marks the answer of an earlier request with the same
// Idempotency-Key, sent again.
inline constexpr std::string_view kReplayedHeader = "Idempotent-Replayed";

class ApiHandlers {
  public:
    explicit ApiHandlers(store::Repository& repository, StaleSince stale_since = {},
                         ReplicationPending replication_pending = {})
        : repository_(repository),
          stale_since_(std::move(stale_since)),
          replication_pending_(std::move(replication_pending)) {}

    boost::asio::awaitable<Response> create(const Request& request);
    boost::asio::awaitable<Response> list(boost::urls::params_view params);
    boost::asio::awaitable<Response> get(std::string ref);
    boost::asio::awaitable<Response> replace(const Request& request, std::string ref);
    boost::asio::awaitable<Response> patch(const Request& request, std::string ref);
    boost::asio::awaitable<Response> remove(const Request& request, std::string ref);
    // GET /audit: the audit trail, newest first.
    boost::asio::awaitable<Response> audit(boost::urls::params_view params);

  private:
    // The key an Idempotency-Key header names (none without the header); a 400 when it
    // names none.
    static domain::Expected<std::optional<std::string>, Response> idempotency_key_of(
        const Request& request);
    // A write sent with an Idempotency-Key: carried out once for that key.
    boost::asio::awaitable<Response> keyed(const Request& request, std::string key,
                                           store::WriteRequest write);
    void mark_if_stale(Response& response) const;
    void mark_if_pending(Response& response) const;

    store::Repository& repository_;
    StaleSince stale_since_;
    ReplicationPending replication_pending_;
};

}  // namespace gateway::api
