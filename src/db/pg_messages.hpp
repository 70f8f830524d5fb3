// libpq's messages made fit for a DbError: one line, the SQLSTATE split out, and no
// password even if a server or libpq ever echoed one back.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace gateway::db {

struct LibpqMessage {
    std::string text;
    std::string sqlstate;  // when the server sent one (connect errors at verbose level)
};

// Joins the lines of a libpq message into one, drops verbose LOCATION lines, splits a
// "FATAL:  28P01: " style SQLSTATE out of the text and masks `password` wherever it
// appears (passwords shorter than three characters are left alone: masking them
// would shred the message and hide little).
LibpqMessage clean_libpq_message(std::string_view raw, std::string_view password);

// "30s", "0.3s", "1.25s": bounds as people write them in DB_POOL_TIMEOUT and friends.
std::string describe_duration(std::chrono::milliseconds duration);

}  // namespace gateway::db
