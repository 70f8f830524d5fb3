// Everything a child process writes to its output pipe, drained by a background thread
// so the child never blocks on a full pipe while a test is busy elsewhere.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace gateway::test {

class OutputCollector {
  public:
    // Takes ownership of `fd`, the read end of the pipe.
    explicit OutputCollector(int fd);
    ~OutputCollector();
    OutputCollector(const OutputCollector&) = delete;
    OutputCollector& operator=(const OutputCollector&) = delete;

    // A copy of everything read so far.
    std::string text() const;

    // True once the writer side is closed and everything has been read.
    bool closed() const;

    // Waits until `holds(text)` is true, the pipe closes, or `timeout` passes; returns
    // whether it holds. Checked again after closing, so a final line is never missed.
    bool wait_until(const std::function<bool(std::string_view)>& holds,
                    std::chrono::milliseconds timeout) const;

    // Waits until the pipe closes or `timeout` passes; returns closed().
    bool wait_for_close(std::chrono::milliseconds timeout) const;

  private:
    void drain();

    int fd_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::string text_;
    bool closed_ = false;
    std::atomic<bool> stop_{false};
    std::thread reader_;  // declared last: it starts once everything it touches exists
};

}  // namespace gateway::test
