#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace gateway::metrics {

namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces), so
// that field 3 of proc(5) ("state") is [0].
std::vector<std::string> stat_fields() {
    std::ifstream file("/proc/self/stat");
    std::string line;
    std::getline(file, line);
    const auto name_end = line.rfind(')');
    if (name_end == std::string::npos) return {};
    std::istringstream rest(line.substr(name_end + 1));
    std::vector<std::string> fields;
    for (std::string field; rest >> field;) fields.push_back(std::move(field));
    return fields;
}

std::optional<std::uint64_t> field_value(const std::vector<std::string>& fields,
                                         std::size_t proc_field) {
    const std::size_t index = proc_field - 3;
    if (index >= fields.size()) return std::nullopt;
    try {
        return std::stoull(fields[index]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The boot time, in seconds since the epoch: /proc/stat's btime line.
std::optional<std::uint64_t> boot_time() {
    std::ifstream file("/proc/stat");
    for (std::string line; std::getline(file, line);) {
        if (line.starts_with("btime ")) {
            try {
                return std::stoull(line.substr(6));
            } catch (const std::exception&) {
                return std::nullopt;
            }
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> open_descriptors() {
    std::error_code ec;
    std::filesystem::directory_iterator entries("/proc/self/fd", ec);
    if (ec) return std::nullopt;
    std::uint64_t count = 0;
    for (const auto& entry : entries) {
        (void)entry;
        ++count;
    }
    // The iterator's own descriptor on the directory is among them.
    return count > 0 ? count - 1 : 0;
}

}  // namespace

void write_process_metrics(Exposition& out) {
    const auto fields = stat_fields();
    const auto ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto page_size = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));

    const auto user_ticks = field_value(fields, 14);
    const auto system_ticks = field_value(fields, 15);
    if (user_ticks && system_ticks && ticks_per_second > 0) {
        out.family("process_cpu_seconds_total", MetricType::counter,
                   "Total user and system CPU time spent in seconds.");
        out.sample("process_cpu_seconds_total",
                   static_cast<double>(*user_ticks + *system_ticks) / ticks_per_second);
    }
    if (const auto fds = open_descriptors()) {
        out.family("process_open_fds", MetricType::gauge, "Number of open file descriptors.");
        out.sample("process_open_fds", *fds);
    }
    if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        out.family("process_max_fds", MetricType::gauge,
                   "Maximum number of open file descriptors.");
        out.sample("process_max_fds", static_cast<std::uint64_t>(limit.rlim_cur));
    }
    if (const auto virtual_bytes = field_value(fields, 23)) {
        out.family("process_virtual_memory_bytes", MetricType::gauge,
                   "Virtual memory size in bytes.");
        out.sample("process_virtual_memory_bytes", *virtual_bytes);
    }
    if (const auto resident_pages = field_value(fields, 24)) {
        out.family("process_resident_memory_bytes", MetricType::gauge,
                   "Resident memory size in bytes.");
        out.sample("process_resident_memory_bytes", *resident_pages * page_size);
    }
    const auto start_ticks = field_value(fields, 22);
    const auto booted = boot_time();
    if (start_ticks && booted && ticks_per_second > 0) {
        out.family("process_start_time_seconds", MetricType::gauge,
                   "Start time of the process since unix epoch in seconds.");
        out.sample(
            "process_start_time_seconds",
            static_cast<double>(*booted) + static_cast<double>(*start_ticks) / ticks_per_second);
    }
}

}  // namespace gateway::metrics
