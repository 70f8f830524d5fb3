#include "support/parallel_clients.hpp"

#include <exception>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>

namespace gateway::test {

std::vector<std::string> run_concurrently(std::uint16_t port, int count,
                                          const std::function<void(int, HttpClient&)>& body) {
    std::vector<std::unique_ptr<HttpClient>> clients;
    clients.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        clients.push_back(std::make_unique<HttpClient>(port));
        clients.back()->connect();
    }

    std::mutex failures_mutex;
    std::vector<std::string> failures;
    std::latch start(count);
    std::vector<std::jthread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                body(i, *clients[static_cast<std::size_t>(i)]);
            } catch (const std::exception& error) {
                std::lock_guard lock(failures_mutex);
                failures.push_back("thread " + std::to_string(i) + ": " + error.what());
            }
        });
    }
    threads.clear();  // joins
    return failures;
}

}  // namespace gateway::test
