#include "app/logging.hpp"

#include <chrono>
#include <iostream>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "domain/api_json.hpp"
#include "domain/timestamps.hpp"

namespace gateway::app {

namespace {

// {"time":"2026-11-27T07:00:00.123Z","level":"info","message":"..."}: the message is
// escaped, so a request target with quotes cannot break a log shipper's parser.
class JsonLineFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line;
        line.reserve(96 + msg.payload.size());
        line += "{\"time\":\"";
        const auto millis =
            std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                .count();
        domain::append_timestamp(line, millis);
        line += "\",\"level\":\"";
        const auto level = spdlog::level::to_string_view(msg.level);
        line.append(level.data(), level.size());
        line += "\",\"message\":";
        domain::append_json_string(line, std::string_view(msg.payload.data(), msg.payload.size()));
        line += "}\n";
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonLineFormatter>();
    }
};

}  // namespace

void configure_logging(const config::LogSettings& settings, LogStream stream) {
    // Buffered, not flushed per line: the access log is on every request's path.
    std::ios::sync_with_stdio(false);
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(
        stream == LogStream::standard_output ? std::cout : std::cerr, false);
    auto logger = std::make_shared<spdlog::logger>("gateway", std::move(sink));
    if (settings.format == config::LogFormat::json) {
        logger->set_formatter(std::make_unique<JsonLineFormatter>());
    } else {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    }
    logger->set_level(
        spdlog::level::from_str(settings.level == "warning" ? "warn" : settings.level));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
    spdlog::flush_every(std::chrono::seconds(1));
}

void flush_logs() {
    spdlog::default_logger()->flush();
    std::cout.flush();
}

}  // namespace gateway::app
