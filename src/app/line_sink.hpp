// A spdlog sink that gathers formatted lines in memory and writes them to a file
// descriptor in whole lines, at most PIPE_BUF bytes per write(2): such writes are atomic
// even on a pipe, so lines from several sinks sharing stdout never interleave mid-line.
#pragma once

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

namespace gateway::app {

template <class Mutex>
class LineSink final : public spdlog::sinks::base_sink<Mutex> {
  public:
    // `capacity`: bytes gathered before they are written even without a flush.
    LineSink(int fd, std::size_t capacity) : fd_(fd), capacity_(capacity) {
        buffer_.reserve(capacity + 1024);
    }
    ~LineSink() override { write_out(); }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        this->formatter_->format(msg, formatted);
        buffer_.append(formatted.data(), formatted.size());
        if (buffer_.size() >= capacity_) write_out();
    }
    void flush_() override { write_out(); }

  private:
    void write_out() {
        std::size_t done = 0;
        while (done < buffer_.size()) {
            std::size_t chunk = std::min<std::size_t>(PIPE_BUF, buffer_.size() - done);
            if (done + chunk < buffer_.size()) {
                // End the chunk after a newline, unless one line alone exceeds PIPE_BUF.
                const auto newline = buffer_.rfind('\n', done + chunk - 1);
                if (newline != std::string::npos && newline >= done) chunk = newline + 1 - done;
            }
            const ssize_t written = ::write(fd_, buffer_.data() + done, chunk);
            if (written < 0) {
                if (errno == EINTR) continue;
                break;  // nowhere to report a failing log; drop what is left
            }
            done += static_cast<std::size_t>(written);
        }
        buffer_.clear();
    }

    const int fd_;
    const std::size_t capacity_;
    std::string buffer_;
};

// One per worker thread, used only by it: no lock.
using ThreadLineSink = LineSink<spdlog::details::null_mutex>;
// Shared by every thread (the service's own messages).
using SharedLineSink = LineSink<std::mutex>;

}  // namespace gateway::app
