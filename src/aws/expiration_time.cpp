#include "aws/expiration_time.hpp"

#include <cstdio>

namespace gateway::aws {
namespace {

using namespace std::chrono;

// Reads exactly `count` decimal digits at `at`, advancing it.
std::optional<int> take_digits(std::string_view text, std::size_t& at, std::size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    at += count;
    return value;
}

bool take_char(std::string_view text, std::size_t& at, char expected) {
    if (at >= text.size() || text[at] != expected) return false;
    ++at;
    return true;
}

// The offset east of UTC written after the time: "Z", "+02:00", "-0530".
std::optional<minutes> take_offset(std::string_view text, std::size_t& at) {
    if (take_char(text, at, 'Z') || take_char(text, at, 'z')) return minutes(0);
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    const auto hours_part = take_digits(text, at, 2);
    take_char(text, at, ':');
    const auto minutes_part = take_digits(text, at, 2);
    if (!hours_part || !minutes_part || *hours_part > 23 || *minutes_part > 59) {
        return std::nullopt;
    }
    return minutes(sign * (*hours_part * 60 + *minutes_part));
}

}  // namespace

std::optional<system_clock::time_point> parse_iso8601(std::string_view text) {
    std::size_t at = 0;
    const auto y = take_digits(text, at, 4);
    if (!y || !take_char(text, at, '-')) return std::nullopt;
    const auto mo = take_digits(text, at, 2);
    if (!mo || !take_char(text, at, '-')) return std::nullopt;
    const auto d = take_digits(text, at, 2);
    if (!d || !(take_char(text, at, 'T') || take_char(text, at, 't'))) return std::nullopt;
    const auto h = take_digits(text, at, 2);
    if (!h || !take_char(text, at, ':')) return std::nullopt;
    const auto mi = take_digits(text, at, 2);
    if (!mi || !take_char(text, at, ':')) return std::nullopt;
    const auto s = take_digits(text, at, 2);
    if (!s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;

    milliseconds fraction{0};
    if (take_char(text, at, '.')) {
        const std::size_t first = at;
        long long scale = 100;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            fraction += milliseconds((text[at] - '0') * scale);
            scale /= 10;
            ++at;
        }
        if (at == first) return std::nullopt;
    }
    const auto offset = take_offset(text, at);
    if (!offset || at != text.size()) return std::nullopt;

    const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                              day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    const auto local = sys_days{date} + hours(*h) + minutes(*mi) + seconds(*s) + fraction;
    return time_point_cast<system_clock::duration>(local - *offset);
}

std::string format_iso8601(system_clock::time_point time) {
    const auto whole = floor<seconds>(time);
    const auto days_part = floor<days>(whole);
    const year_month_day date{days_part};
    const hh_mm_ss clock_time{whole - days_part};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(clock_time.hours().count()),
                  static_cast<int>(clock_time.minutes().count()),
                  static_cast<int>(clock_time.seconds().count()));
    return buffer;
}

}  // namespace gateway::aws
