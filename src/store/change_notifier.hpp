// Tells other instances that this one committed changes: one NOTIFY on the change
// channel, sent on its own after the commits and coalescing every commit made while one
// is being sent. A NOTIFY inside each writer's transaction would take PostgreSQL's
// notification lock at every commit and serialise all writers of the cluster.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "db/connection_pool.hpp"

namespace gateway::store {

class ChangeNotifier : public std::enable_shared_from_this<ChangeNotifier> {
  public:
    static std::shared_ptr<ChangeNotifier> create(std::shared_ptr<db::ConnectionPool> pool);

    // Called after a commit: a notification will follow. Never waits.
    void changed(const boost::asio::any_io_executor& executor);

  private:
    explicit ChangeNotifier(std::shared_ptr<db::ConnectionPool> pool) : pool_(std::move(pool)) {}
    boost::asio::awaitable<void> send_while_pending();

    const std::shared_ptr<db::ConnectionPool> pool_;
    std::atomic<bool> pending_{false};
    std::atomic<bool> sending_{false};
};

}  // namespace gateway::store
