#include "db/connection_pool.hpp"

namespace gateway::db {

PooledConnection::PooledConnection(std::shared_ptr<ConnectionPool> pool,
                                   std::unique_ptr<PgConnection> conn)
    : pool_(std::move(pool)), conn_(std::move(conn)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
    if (this != &other) {
        give_back();
        pool_ = std::move(other.pool_);
        conn_ = std::move(other.conn_);
    }
    return *this;
}

PooledConnection::~PooledConnection() {
    give_back();
}

void PooledConnection::give_back() noexcept {
    if (pool_ && conn_) pool_->release(std::move(conn_));
    pool_.reset();
}

}  // namespace gateway::db
