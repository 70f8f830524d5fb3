// A configured database source made ready to connect, and the ordered list of them the
// database manager tries. Where the connection details come from (a URL, a secret store,
// signed tokens) is decided above this layer; the manager only connects, checks, migrates
// and pools.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "db/conninfo_source.hpp"
#include "db/renewable_conninfo.hpp"

namespace gateway::db {

// What may be shown about a database source: never the password.
struct PrimaryDescription {
    std::string source;       // "DATABASE_URL", "AWS Secrets Manager", "AWS_DB_*"
    std::string description;  // postgresql://user:***@host:port/db?sslmode=...
    std::string host;
    std::uint16_t port = 0;
    std::string database;
    std::string user;
    // Set when the credentials can be fetched again (Secrets Manager): what the pool
    // connects with now, which may differ from the fields above after a rotation.
    std::shared_ptr<const RenewableConninfo> renewable;
};

struct PrimaryCandidate : PrimaryDescription {
    // What the pool opens its connections with (server-side statement timeout included;
    // the same object as `renewable` when that is set).
    std::shared_ptr<ConninfoSource> conninfo;
    // What the pre-flight check and the migrations connect with: migrations may run far
    // longer than an ordinary statement.
    std::string preflight_conninfo;
};

// The configured sources in trial order. A source is made ready only when its turn comes:
// fetching a secret is network I/O that an earlier source passing makes unnecessary.
class PrimaryCandidates {
  public:
    virtual ~PrimaryCandidates() = default;

    // How many sources are configured; zero means in-memory storage only.
    virtual std::size_t size() const = 0;

    // Source `index` ready to connect, or nullopt (after one log line saying why) when it
    // must be skipped.
    virtual boost::asio::awaitable<std::optional<PrimaryCandidate>> prepare(std::size_t index) = 0;

    // Stops background work (threads for blocking calls) once the pools are closed; a
    // call under way returns within its own timeouts.
    virtual void stop() = 0;
};

}  // namespace gateway::db
