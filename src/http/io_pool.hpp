// One io_context per worker thread. A connection lives on one of them for its whole
// life, so its coroutine, its timer and a shutdown request never run concurrently and
// need neither strands nor locks; the contexts share nothing on the request path.
#pragma once

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace gateway::http {

class IoPool {
  public:
    explicit IoPool(unsigned threads);
    ~IoPool();
    IoPool(const IoPool&) = delete;
    IoPool& operator=(const IoPool&) = delete;

    std::size_t size() const { return contexts_.size(); }
    boost::asio::io_context& at(std::size_t index) { return *contexts_[index]; }
    // Round robin: the index of the context the next connection goes to.
    std::size_t next();

    // Runs every context, one on the calling thread, until stop(); then joins the rest.
    void run();
    void stop();

  private:
    using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<WorkGuard> keep_running_;
    std::size_t next_ = 0;  // touched only by the accepting coroutine
};

}  // namespace gateway::http
