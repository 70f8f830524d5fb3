#include "support/output_collector.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace gateway::test {

namespace {

// How often the reader looks at its stop flag when the child is silent. A child that
// exits closes the pipe and wakes the reader at once; this only bounds the destructor's
// wait when the child (or something it started) still holds the pipe open.
constexpr int kPollMillis = 100;

}  // namespace

OutputCollector::OutputCollector(int fd) : fd_(fd), reader_([this] { drain(); }) {}

OutputCollector::~OutputCollector() {
    stop_ = true;
    reader_.join();
    close(fd_);
}

std::string OutputCollector::text() const {
    std::lock_guard lock(mutex_);
    return text_;
}

bool OutputCollector::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

bool OutputCollector::wait_until(const std::function<bool(std::string_view)>& holds,
                                 std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return closed_ || holds(text_); });
    return holds(text_);
}

bool OutputCollector::wait_for_close(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return closed_; });
}

void OutputCollector::drain() {
    std::array<char, 4096> chunk{};
    while (!stop_) {
        pollfd descriptor{fd_, POLLIN, 0};
        const int ready = poll(&descriptor, 1, kPollMillis);
        if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
        const ssize_t n = ready < 0 ? -1 : read(fd_, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard lock(mutex_);
        if (n <= 0) {
            closed_ = true;
            changed_.notify_all();
            return;
        }
        text_.append(chunk.data(), static_cast<std::size_t>(n));
        changed_.notify_all();
    }
}

}  // namespace gateway::test
