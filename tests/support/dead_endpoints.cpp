#include "support/dead_endpoints.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace gateway::test {

namespace {

// Room for every connection a test makes to it: none is ever accepted, so none frees its slot.
constexpr int kBacklog = 64;

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// A socket bound to 127.0.0.1 on a port the kernel picks; returns the fd and the port.
int bind_loopback(std::uint16_t& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw_errno("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const int error = errno;
        ::close(fd);
        errno = error;
        throw_errno("bind to 127.0.0.1");
    }
    port = ntohs(address.sin_port);
    return fd;
}

}  // namespace

std::uint16_t closed_port() {
    std::uint16_t port = 0;
    ::close(bind_loopback(port));
    return port;
}

SilentListener::SilentListener() {
    // In the body: port_'s own initializer would otherwise undo what bind_loopback wrote.
    fd_ = bind_loopback(port_);
    if (::listen(fd_, kBacklog) != 0) {
        const int error = errno;
        ::close(fd_);
        errno = error;
        throw_errno("listen");
    }
}

SilentListener::~SilentListener() {
    ::close(fd_);
}

}  // namespace gateway::test
