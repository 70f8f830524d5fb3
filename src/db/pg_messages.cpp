#include "db/pg_messages.hpp"

#include "domain/ascii_space.hpp"

#include <cctype>
#include <string>

namespace gateway::db {

namespace {

constexpr std::string_view kMask = "********";

bool is_sqlstate(std::string_view text) {
    if (text.size() != 5) return false;
    for (const char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c)) &&
            !std::isupper(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

// At verbose level the server's severity is followed by its SQLSTATE:
// "FATAL: 28P01: password authentication failed ..." (spaces already collapsed).
// Takes the first one out.
std::string extract_sqlstate(std::string& text) {
    for (const std::string_view severity : {"FATAL: ", "ERROR: ", "PANIC: "}) {
        for (auto at = text.find(severity); at != std::string::npos;
             at = text.find(severity, at + 1)) {
            const auto code_at = at + severity.size();
            if (text.size() < code_at + 7) break;
            const std::string_view code(text.data() + code_at, 5);
            if (is_sqlstate(code) && text.compare(code_at + 5, 2, ": ") == 0) {
                std::string sqlstate(code);
                text.erase(code_at, 7);
                return sqlstate;
            }
        }
    }
    return {};
}

void mask(std::string& text, std::string_view secret) {
    if (secret.size() < 3) return;
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMask.size())) {
        text.replace(at, secret.size(), kMask);
    }
}

}  // namespace

LibpqMessage clean_libpq_message(std::string_view raw, std::string_view password) {
    std::string text;
    while (!raw.empty()) {
        const auto end = raw.find('\n');
        const auto line = domain::trim_ascii_space(raw.substr(0, end));
        raw = end == std::string_view::npos ? std::string_view{} : raw.substr(end + 1);
        // Source locations inside the server help nobody reading a 503.
        if (line.empty() || line.starts_with("LOCATION:")) continue;
        if (!text.empty()) {
            // libpq continues a sentence on the next line without ending the first.
            if (std::string_view(".:;!?").find(text.back()) == std::string_view::npos) text += '.';
            text += ' ';
        }
        // Severity labels come with two spaces ("FATAL:  "); one reads better in a line.
        for (const char c : line) {
            if (c == ' ' && !text.empty() && text.back() == ' ') continue;
            text += c == '\t' ? ' ' : c;
        }
    }
    LibpqMessage message;
    message.sqlstate = extract_sqlstate(text);
    mask(text, password);
    message.text = text.empty() ? "no details from libpq" : std::move(text);
    return message;
}

std::string describe_duration(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    std::string text = std::to_string(ms / 1000);
    if (const auto fraction = ms % 1000; fraction != 0) {
        std::string digits = std::to_string(fraction);
        digits.insert(0, 3 - digits.size(), '0');
        while (digits.back() == '0') digits.pop_back();
        text += '.' + digits;
    }
    return text + 's';
}

}  // namespace gateway::db
