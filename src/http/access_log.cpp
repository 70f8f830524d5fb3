#include "http/access_log.hpp"

#include <string>

#include <spdlog/spdlog.h>

#include "domain/api_json.hpp"

namespace gateway::http {

namespace {

// A hostile client controls the target; cap what it can put in the log.
constexpr std::size_t max_logged_path = 256;

// The target's path (never its query, which may hold a cursor), cut at the cap.
std::string logged_path(std::string_view target) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (path.size() <= max_logged_path) return std::string(path);
    return std::string(path.substr(0, max_logged_path)) + "...";
}

double millis_of(std::chrono::steady_clock::duration took) {
    return std::chrono::duration<double, std::milli>(took).count();
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    domain::append_json_string(out, value);
}

void append_raw_field(std::string& out, std::string_view name, std::string_view number) {
    out += ",\"";
    out += name;
    out += "\":";
    out += number;
}

std::string json_fields(const AccessRecord& record, std::string_view path,
                        std::string_view message) {
    std::string line = "\"message\":";
    line.reserve(320);
    domain::append_json_string(line, message);
    append_field(line, "request_id", record.request_id);
    append_field(line, "method", record.method);
    append_field(line, "route", record.route);
    append_field(line, "path", path);
    append_raw_field(line, "status", std::to_string(record.status));
    append_raw_field(line, "duration_ms", fmt::format("{:.3f}", millis_of(record.took)));
    append_field(line, "remote_addr", record.remote_addr);
    append_raw_field(line, "bytes_out", std::to_string(record.bytes_out));
    if (!record.trace_id.empty()) append_field(line, "trace_id", record.trace_id);
    append_field(line, "actor", record.actor);
    return line;
}

}  // namespace

bool WarningBudget::take(std::chrono::steady_clock::time_point now, std::uint64_t& left_out) {
    if (now - window_start_ >= std::chrono::seconds(1)) {
        window_start_ = now;
        taken_ = 0;
    }
    if (taken_ >= per_second_) {
        ++left_out_;
        return false;
    }
    ++taken_;
    left_out = std::exchange(left_out_, 0);
    return true;
}

AccessLog::AccessLog(std::shared_ptr<spdlog::logger> logger, AccessLineFormat format)
    : logger_(std::move(logger)), format_(format) {}

void AccessLog::write(const AccessRecord& record) {
    if (!logger_->should_log(spdlog::level::info)) return;
    const std::string path = logged_path(record.target);
    if (format_ == AccessLineFormat::json) {
        const std::string message = fmt::format("{} {} {}", record.method, path, record.status);
        logger_->info(json_fields(record, path, message));
        return;
    }
    logger_->info("{} {} {} {:.3f}ms actor={} id={}{}{}", record.method, path, record.status,
                  millis_of(record.took), record.actor, record.request_id,
                  record.trace_id.empty() ? "" : " trace=", record.trace_id);
}

void AccessLog::server_error(const AccessRecord& record, std::string_view detail) {
    if (!logger_->should_log(spdlog::level::warn)) return;
    std::uint64_t left_out = 0;
    if (!warnings_.take(std::chrono::steady_clock::now(), left_out)) return;
    const std::string path = logged_path(record.target);
    const std::string message =
        left_out == 0
            ? fmt::format("{} {} answered {}: {}", record.method, path, record.status, detail)
            : fmt::format("{} {} answered {}: {} ({} more 5xx answers were not logged)",
                          record.method, path, record.status, detail, left_out);
    if (format_ == AccessLineFormat::json) {
        logger_->warn(json_fields(record, path, message));
        return;
    }
    logger_->warn("{} id={}", message, record.request_id);
}

void AccessLog::key_refused(const AccessRecord& record, std::string_view reason) {
    if (!logger_->should_log(spdlog::level::warn)) return;
    std::uint64_t left_out = 0;
    if (!refusals_.take(std::chrono::steady_clock::now(), left_out)) return;
    const std::string path = logged_path(record.target);
    std::string message = fmt::format("{} {} refused with {}: {} from {}", record.method, path,
                                      record.status, reason, record.remote_addr);
    if (left_out != 0) {
        message += fmt::format(" ({} more refusals were not logged)", left_out);
    }
    if (format_ == AccessLineFormat::json) {
        logger_->warn(json_fields(record, path, message));
        return;
    }
    logger_->warn("{} id={}", message, record.request_id);
}

}  // namespace gateway::http
