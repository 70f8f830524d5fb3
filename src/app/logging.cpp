#include "app/logging.hpp"

#include <chrono>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include "app/line_sink.hpp"

#include "domain/api_json.hpp"
#include "domain/timestamps.hpp"

namespace gateway::app {

namespace {

// {"time":"2026-11-27T07:00:00.123Z","level":"info", : how every JSON line starts.
void append_time_and_level(std::string& line, const spdlog::details::log_msg& msg) {
    line += "{\"time\":\"";
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    domain::append_timestamp(line, millis);
    line += "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",";
}

// {"time":...,"level":"info","message":"..."}: the message is escaped, so a request
// target with quotes cannot break a log shipper's parser.
class JsonLineFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line;
        line.reserve(96 + msg.payload.size());
        append_time_and_level(line, msg);
        line += "\"message\":";
        domain::append_json_string(line, std::string_view(msg.payload.data(), msg.payload.size()));
        line += "}\n";
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonLineFormatter>();
    }
};

// The access log's JSON lines: the payload is already the line's fields
// ("message":...,"request_id":..., see http::AccessLineFormat), escaped by their writer.
class JsonFieldsFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line;
        line.reserve(64 + msg.payload.size());
        append_time_and_level(line, msg);
        line.append(msg.payload.data(), msg.payload.size());
        line += "}\n";
        dest.append(line.data(), line.data() + line.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFieldsFormatter>();
    }
};

std::unique_ptr<spdlog::formatter> make_formatter(config::LogFormat format) {
    if (format == config::LogFormat::json) return std::make_unique<JsonLineFormatter>();
    return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                                                       spdlog::pattern_time_type::utc);
}

spdlog::level::level_enum level_of(const config::LogSettings& settings) {
    return spdlog::level::from_str(settings.level == "warning" ? "warn" : settings.level);
}

}  // namespace

void configure_logging(const config::LogSettings& settings, LogStream stream) {
    // The service's own messages are few: written at once, line by line.
    auto sink = std::make_shared<SharedLineSink>(
        stream == LogStream::standard_output ? STDOUT_FILENO : STDERR_FILENO, 0);
    sink->set_formatter(make_formatter(settings.format));
    auto logger = std::make_shared<spdlog::logger>("gateway", std::move(sink));
    logger->set_level(level_of(settings));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
}

std::unique_ptr<http::AccessLog> make_access_log(const config::LogSettings& settings) {
    // Access lines are many: gathered and written in batches by the worker that owns the
    // logger, which also flushes it on a short timer.
    constexpr std::size_t batch_bytes = std::size_t{32} * 1024;
    const bool json = settings.format == config::LogFormat::json;
    auto sink = std::make_shared<ThreadLineSink>(STDOUT_FILENO, batch_bytes);
    if (json) {
        sink->set_formatter(std::make_unique<JsonFieldsFormatter>());
    } else {
        sink->set_formatter(make_formatter(settings.format));
    }
    auto logger = std::make_shared<spdlog::logger>("access", std::move(sink));
    logger->set_level(level_of(settings));
    return std::make_unique<http::AccessLog>(
        std::move(logger), json ? http::AccessLineFormat::json : http::AccessLineFormat::text);
}

void flush_logs() {
    spdlog::default_logger()->flush();
}

}  // namespace gateway::app
