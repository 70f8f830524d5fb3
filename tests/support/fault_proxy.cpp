#include "support/fault_proxy.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <future>
#include <map>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace gateway::test {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr std::size_t kReadSize = 16 * 1024;
// A direction stops reading while this much waits in it: a stream held by drop or slowed
// by delay then backs up into the kernel's buffers and stalls its sender, as it would on
// a real network, instead of growing here without bound.
constexpr std::size_t kMaxQueued = 1024 * 1024;

// What one side sent, in the order it sent it. The end of a stream travels through the
// same queue as the bytes, so that a FIN or a reset cannot overtake data held before it.
struct Chunk {
    enum class Kind {
        data,
        end,    // the sender shut down its side (FIN)
        abort,  // the sender's side failed (RST or an error)
    };
    Kind kind;
    std::vector<char> bytes;
    Clock::time_point due;
};

// A reset rather than a close: linger on with a zero timeout makes close() send RST.
void close_socket(tcp::socket& socket, bool abortive) {
    error_code ignored;
    if (abortive && socket.is_open()) socket.set_option(tcp::socket::linger(true, 0), ignored);
    socket.close(ignored);
}

}  // namespace

// Everything below runs on the proxy's one thread, except where a comment says otherwise:
// with a single thread driving the io_context, sessions and the mode need no locks.
class FaultProxy::Engine {
  public:
    class Session;

    Engine(const std::string& target_host, std::uint16_t target_port)
        : target_(asio::ip::make_address(target_host), target_port) {
        acceptor_.open(tcp::v4());
        acceptor_.bind({asio::ip::address_v4::loopback(), 0});
        acceptor_.listen();
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    // On the constructing thread, before the proxy's thread exists.
    void start() {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }

    // On the test's thread: stops accepting, closes every connection, and waits for the
    // proxy's thread to finish what that leaves behind.
    void stop() {
        asio::post(io_, [this] { shut_down(); });
        work_.reset();
        thread_.join();
    }

    // On the test's thread: waits for the switch to be made, so the caller can count on it.
    void switch_to(Mode mode, std::chrono::milliseconds delay) {
        if (std::this_thread::get_id() == thread_.get_id()) {
            throw std::logic_error("FaultProxy modes are switched from outside its thread");
        }
        // Shared with the handler: set_value() may still be finishing on the proxy's thread
        // when get() returns here, so the promise must not live on this stack alone.
        auto applied = std::make_shared<std::promise<void>>();
        auto done = applied->get_future();
        asio::post(io_, [this, applied, mode, delay] {
            apply(mode, delay);
            applied->set_value();
        });
        done.get();
    }

    // Counters and the published mode: written on the proxy's thread, read by the test's.
    std::atomic<Mode> published_mode{Mode::pass};
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> forwarded{0};
    std::atomic<std::uint64_t> held{0};

  private:
    void accept();
    void admit(tcp::socket socket);
    void apply(Mode mode, std::chrono::milliseconds delay);
    void shut_down();
    // A copy: closing a session removes it from the map.
    std::vector<std::shared_ptr<Session>> current_sessions() const;

    asio::io_context io_;
    // Keeps run() going between connections; dropped only by stop().
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    tcp::acceptor acceptor_{io_};
    tcp::endpoint target_;
    Mode mode_ = Mode::pass;
    std::chrono::milliseconds delay_{0};
    bool stopping_ = false;
    std::uint64_t next_id_ = 0;
    std::map<std::uint64_t, std::shared_ptr<Session>> sessions_;
    std::thread thread_;
};

// One client connection and, once the mode allows, its connection to the target.
class FaultProxy::Engine::Session : public std::enable_shared_from_this<Session> {
  public:
    Session(Engine& engine, std::uint64_t id, tcp::socket client)
        : engine_(engine),
          id_(id),
          client_(std::move(client)),
          upstream_(engine.io_),
          to_server_(client_, upstream_, engine.io_),
          to_client_(upstream_, client_, engine.io_) {}

    void start() {
        error_code ignored;
        // Without it Nagle's algorithm and delayed acknowledgements would add their own
        // delays to small protocol messages, on top of (or instead of) the ones asked for.
        client_.set_option(tcp::no_delay(true), ignored);
        // The client's bytes are read (and held) even before the target is reached: a
        // connection accepted in drop mode keeps what it sent until the network heals.
        read(to_server_);
        if (delivering()) connect_upstream();
    }

    // The mode lets bytes through again.
    void resume() {
        if (closed_) return;
        if (upstream_state_ == Upstream::none) connect_upstream();
        pump(to_server_);
        pump(to_client_);
    }

    void close(bool abortive) {
        if (closed_) return;
        const auto keep = shared_from_this();  // the map may hold the last reference
        closed_ = true;
        close_socket(client_, abortive);
        close_socket(upstream_, abortive);
        for (Direction* direction : {&to_server_, &to_client_}) {
            direction->timer.cancel();
            engine_.held -= direction->queued_bytes;
            direction->queued_bytes = 0;
        }
        engine_.sessions_.erase(id_);
    }

  private:
    struct Direction {
        Direction(tcp::socket& source, tcp::socket& sink, asio::io_context& io)
            : from(source), to(sink), timer(io) {}
        tcp::socket& from;
        tcp::socket& to;
        std::array<char, kReadSize> incoming{};
        std::deque<Chunk> queue;
        std::size_t queued_bytes = 0;
        bool reading = false;
        bool source_ended = false;
        bool writing = false;
        bool waiting = false;  // for the front chunk's due time
        bool sink_ended = false;
        asio::steady_timer timer;
    };

    enum class Upstream { none, connecting, connected };

    bool delivering() const { return engine_.mode_ == Mode::pass || engine_.mode_ == Mode::delay; }

    void connect_upstream() {
        upstream_state_ = Upstream::connecting;
        upstream_.async_connect(engine_.target_, [self = shared_from_this()](error_code error) {
            if (self->closed_) return;
            // The client learns of an unreachable target as it would of a dead path.
            if (error) return self->close(true);
            self->upstream_state_ = Upstream::connected;
            error_code ignored;
            self->upstream_.set_option(tcp::no_delay(true), ignored);
            self->read(self->to_client_);
            self->pump(self->to_server_);
        });
    }

    void read(Direction& direction) {
        if (closed_ || direction.reading || direction.source_ended) return;
        if (direction.queued_bytes >= kMaxQueued) return;  // pump() reads again once drained
        direction.reading = true;
        direction.from.async_read_some(
            asio::buffer(direction.incoming),
            [self = shared_from_this(), &direction](error_code error, std::size_t size) {
                direction.reading = false;
                if (self->closed_) return;
                if (error) {
                    direction.source_ended = true;
                    self->enqueue(direction, error == asio::error::eof ? Chunk::Kind::end
                                                                       : Chunk::Kind::abort);
                } else {
                    self->enqueue(direction, Chunk::Kind::data, size);
                    self->read(direction);
                }
                self->pump(direction);
            });
    }

    void enqueue(Direction& direction, Chunk::Kind kind, std::size_t size = 0) {
        // The delay in force when a chunk arrives is the one it waits out, so a chunk that
        // arrived earlier is never due later than one behind it.
        const Clock::duration wait =
            engine_.mode_ == Mode::delay ? engine_.delay_ : Clock::duration::zero();
        direction.queue.push_back(
            Chunk{kind,
                  std::vector<char>(direction.incoming.begin(),
                                    direction.incoming.begin() + static_cast<std::ptrdiff_t>(size)),
                  Clock::now() + wait});
        direction.queued_bytes += size;
        engine_.held += size;
    }

    // Delivers the front of a direction's queue, one chunk at a time, while the mode and
    // the chunk's due time allow it.
    void pump(Direction& direction) {
        if (closed_ || direction.writing || direction.waiting || direction.queue.empty()) return;
        if (!delivering()) return;
        if (&direction == &to_server_ && upstream_state_ != Upstream::connected) return;

        Chunk& next = direction.queue.front();
        if (next.due > Clock::now()) {
            direction.waiting = true;
            direction.timer.expires_at(next.due);
            direction.timer.async_wait([self = shared_from_this(), &direction](error_code) {
                direction.waiting = false;
                self->pump(direction);
            });
            return;
        }

        switch (next.kind) {
            case Chunk::Kind::data:
                direction.writing = true;
                asio::async_write(
                    direction.to, asio::buffer(next.bytes),
                    [self = shared_from_this(), &direction](error_code error, std::size_t size) {
                        direction.writing = false;
                        if (self->closed_) return;
                        // The receiving side is gone: its peer must not wait for it.
                        if (error) return self->close(true);
                        self->delivered(direction, size);
                    });
                return;
            case Chunk::Kind::end: {
                error_code ignored;
                direction.to.shutdown(tcp::socket::shutdown_send, ignored);
                direction.queue.pop_front();
                direction.sink_ended = true;
                if (to_server_.sink_ended && to_client_.sink_ended) close(false);
                return;
            }
            case Chunk::Kind::abort:
                return close(true);
        }
    }

    void delivered(Direction& direction, std::size_t size) {
        direction.queue.pop_front();
        direction.queued_bytes -= size;
        engine_.held -= size;
        engine_.forwarded += size;
        read(direction);
        pump(direction);
    }

    Engine& engine_;
    const std::uint64_t id_;
    tcp::socket client_;
    tcp::socket upstream_;
    Direction to_server_;
    Direction to_client_;
    Upstream upstream_state_ = Upstream::none;
    bool closed_ = false;
};

void FaultProxy::Engine::accept() {
    acceptor_.async_accept([this](error_code error, tcp::socket socket) {
        if (stopping_) return;
        if (!error) admit(std::move(socket));
        accept();
    });
}

void FaultProxy::Engine::admit(tcp::socket socket) {
    ++accepted;
    if (mode_ == Mode::reset) return close_socket(socket, true);
    const std::uint64_t id = next_id_++;
    auto session = std::make_shared<Session>(*this, id, std::move(socket));
    sessions_.emplace(id, session);
    session->start();
}

void FaultProxy::Engine::apply(Mode mode, std::chrono::milliseconds delay) {
    mode_ = mode;
    delay_ = mode == Mode::delay ? delay : std::chrono::milliseconds{0};
    published_mode = mode;
    for (const auto& session : current_sessions()) {
        if (mode == Mode::reset) {
            session->close(true);
        } else if (mode == Mode::pass || mode == Mode::delay) {
            session->resume();
        }
    }
}

void FaultProxy::Engine::shut_down() {
    stopping_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    for (const auto& session : current_sessions()) session->close(false);
}

std::vector<std::shared_ptr<FaultProxy::Engine::Session>> FaultProxy::Engine::current_sessions()
    const {
    std::vector<std::shared_ptr<Session>> sessions;
    sessions.reserve(sessions_.size());
    for (const auto& [id, session] : sessions_) sessions.push_back(session);
    return sessions;
}

FaultProxy::FaultProxy(const std::string& target_host, std::uint16_t target_port)
    : engine_(std::make_unique<Engine>(target_host, target_port)), port_(engine_->port()) {
    engine_->start();
}

FaultProxy::~FaultProxy() {
    engine_->stop();
}

void FaultProxy::pass() {
    engine_->switch_to(Mode::pass, {});
}

void FaultProxy::drop() {
    engine_->switch_to(Mode::drop, {});
}

void FaultProxy::reset() {
    engine_->switch_to(Mode::reset, {});
}

void FaultProxy::delay(std::chrono::milliseconds per_chunk) {
    engine_->switch_to(Mode::delay, per_chunk);
}

FaultProxy::Mode FaultProxy::mode() const {
    return engine_->published_mode;
}

std::uint64_t FaultProxy::connections_accepted() const {
    return engine_->accepted;
}

std::uint64_t FaultProxy::bytes_forwarded() const {
    return engine_->forwarded;
}

std::uint64_t FaultProxy::bytes_held() const {
    return engine_->held;
}

}  // namespace gateway::test
