// The directory of DATA_DIR: created when missing, and locked for as long as the process
// runs, since two processes writing one snapshot and journal would corrupt what each
// believes it acknowledged.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace gateway::local {

// A start-up error about the data directory; what() begins with "DATA_DIR".
class LocalStateError : public std::runtime_error {
  public:
    explicit LocalStateError(const std::string& message)
        : std::runtime_error("DATA_DIR: " + message) {}
};

class DataDirectory {
  public:
    // Creates `path` (mode 0700) when missing and takes its lock; throws LocalStateError
    // when it cannot be created or written, or another process holds it.
    explicit DataDirectory(std::filesystem::path path);
    ~DataDirectory();
    DataDirectory(const DataDirectory&) = delete;
    DataDirectory& operator=(const DataDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    int lock_fd_ = -1;
};

}  // namespace gateway::local
