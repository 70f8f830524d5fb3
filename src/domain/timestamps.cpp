#include "domain/timestamps.hpp"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>

namespace gateway::domain {
namespace {

constexpr std::int64_t kMillisPerDay = 86'400'000;

struct CivilDate {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

// Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar over
// the whole int64 range we can be handed, with no table and no locale.
CivilDate civil_from_days(std::int64_t days) {
    days += 719'468;  // shift the epoch to 0000-03-01, so leap days end a year
    const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
    const auto day_of_era = static_cast<std::uint64_t>(days - era * 146'097);
    const std::uint64_t year_of_era =
        (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
    const std::uint64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::uint64_t march_month = (5 * day_of_year + 2) / 153;  // 0 = March
    const auto day = static_cast<unsigned>(day_of_year - (153 * march_month + 2) / 5 + 1);
    const auto month = static_cast<unsigned>(march_month < 10 ? march_month + 3 : march_month - 9);
    const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2);
    return {year, month, day};
}

char* put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return at + width;
}

}  // namespace

Millis now_millis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void append_timestamp(std::string& out, Millis at) {
    // Floor division: an instant before the epoch belongs to the previous day.
    std::int64_t days = at / kMillisPerDay;
    std::int64_t millis_of_day = at % kMillisPerDay;
    if (millis_of_day < 0) {
        millis_of_day += kMillisPerDay;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    const auto ms = static_cast<unsigned>(millis_of_day);

    char buffer[48];
    char* at_char = buffer;
    if (date.year >= 0 && date.year <= 9999) {
        at_char = put_digits(at_char, static_cast<unsigned>(date.year), 4);
    } else {
        // Outside RFC 3339's four-digit years: still unambiguous, never truncated.
        at_char = std::to_chars(at_char, buffer + 24, date.year).ptr;
    }
    *at_char++ = '-';
    at_char = put_digits(at_char, date.month, 2);
    *at_char++ = '-';
    at_char = put_digits(at_char, date.day, 2);
    *at_char++ = 'T';
    at_char = put_digits(at_char, ms / 3'600'000, 2);
    *at_char++ = ':';
    at_char = put_digits(at_char, ms / 60'000 % 60, 2);
    *at_char++ = ':';
    at_char = put_digits(at_char, ms / 1'000 % 60, 2);
    *at_char++ = '.';
    at_char = put_digits(at_char, ms % 1'000, 3);
    *at_char++ = 'Z';
    out.append(buffer, at_char);
}

std::string format_timestamp(Millis at) {
    std::string out;
    append_timestamp(out, at);
    return out;
}

}  // namespace gateway::domain
