#include "store/change_notifier.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "store/change_feed.hpp"

namespace gateway::store {

namespace {

// A notification is a hint (listeners also poll): it is not worth a long wait.
constexpr std::chrono::milliseconds kNotifyTimeout{1000};

}  // namespace

std::shared_ptr<ChangeNotifier> ChangeNotifier::create(std::shared_ptr<db::ConnectionPool> pool) {
    return std::shared_ptr<ChangeNotifier>(new ChangeNotifier(std::move(pool)));
}

void ChangeNotifier::changed(const boost::asio::any_io_executor& executor) {
    pending_.store(true, std::memory_order_release);
    if (sending_.exchange(true, std::memory_order_acq_rel)) return;  // the sender will see it
    boost::asio::co_spawn(
        executor, [self = shared_from_this()] { return self->send_while_pending(); },
        boost::asio::detached);
}

boost::asio::awaitable<void> ChangeNotifier::send_while_pending() {
    for (;;) {
        while (pending_.exchange(false, std::memory_order_acq_rel)) {
            auto connection = co_await pool_->acquire(kNotifyTimeout);
            if (!connection) {
                spdlog::debug("change notification not sent: {}", connection.error().message);
                continue;  // the listeners' poll finds the change anyway
            }
            auto sent = co_await notify_changes(**connection, kNotifyTimeout);
            if (!sent) spdlog::debug("change notification not sent: {}", sent.error().message);
        }
        sending_.store(false, std::memory_order_release);
        // A commit that came after the last exchange but before sending_ was cleared saw
        // a sender still running: send for it, unless another sender has started.
        if (!pending_.load(std::memory_order_acquire) ||
            sending_.exchange(true, std::memory_order_acq_rel)) {
            co_return;
        }
    }
}

}  // namespace gateway::store
