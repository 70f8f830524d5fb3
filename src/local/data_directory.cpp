#include "local/data_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace gateway::local {

namespace fs = std::filesystem;

DataDirectory::DataDirectory(fs::path path) : path_(std::move(path)) {
    std::error_code error;
    if (!fs::exists(path_, error)) {
        fs::create_directories(path_, error);
        if (error)
            throw LocalStateError("cannot create " + path_.string() + ": " + error.message());
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::replace, error);
    }
    if (!fs::is_directory(path_, error)) {
        throw LocalStateError(path_.string() + " is not a directory");
    }
    const fs::path lock_file = path_ / "lock";
    lock_fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0) {
        throw LocalStateError("cannot write in " + path_.string() + ": " + std::strerror(errno));
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int reason = errno;
        ::close(lock_fd_);
        lock_fd_ = -1;
        if (reason == EWOULDBLOCK) {
            throw LocalStateError(path_.string() +
                                  " is in use by another process (each instance needs its own)");
        }
        throw LocalStateError("cannot lock " + lock_file.string() + ": " + std::strerror(reason));
    }
}

DataDirectory::~DataDirectory() {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the lock
}

}  // namespace gateway::local
