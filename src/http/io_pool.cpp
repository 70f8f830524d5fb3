#include "http/io_pool.hpp"

#include <spdlog/spdlog.h>

namespace gateway::http {

namespace {

void run_context(boost::asio::io_context& io) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& error) {
            // A handler threw past its own guard: log it and keep the worker serving.
            spdlog::error("worker: {}", error.what());
        }
    }
}

}  // namespace

IoPool::IoPool(unsigned threads) {
    contexts_.reserve(threads);
    keep_running_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
        // A hint of 1: each context is run by exactly one thread.
        contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
        keep_running_.push_back(boost::asio::make_work_guard(*contexts_.back()));
    }
}

IoPool::~IoPool() {
    stop();
}

std::size_t IoPool::next() {
    const std::size_t index = next_;
    next_ = (next_ + 1) % contexts_.size();
    return index;
}

void IoPool::run() {
    std::vector<std::thread> threads;
    threads.reserve(contexts_.size() - 1);
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
        threads.emplace_back([&io = *contexts_[i]] { run_context(io); });
    }
    run_context(*contexts_[0]);
    for (auto& thread : threads) thread.join();
}

void IoPool::stop() {
    keep_running_.clear();
    for (auto& io : contexts_) io->stop();
}

}  // namespace gateway::http
