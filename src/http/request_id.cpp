#include "http/request_id.hpp"

#include <algorithm>
#include <random>

namespace gateway::http {

namespace {

bool is_id_character(char c) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alphanumeric || std::string_view("-_.:+/=@").find(c) != std::string_view::npos;
}

bool is_lower_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zeros(std::string_view text) {
    return text.find_first_not_of('0') == std::string_view::npos;
}

// splitmix64: a small, fast generator; the ids need uniqueness, not secrecy.
std::uint64_t next_random(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

void append_hex(std::string& out, std::uint64_t value) {
    constexpr std::string_view digits = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4) {
        out.push_back(digits[(value >> static_cast<unsigned>(shift)) & 0xfU]);
    }
}

}  // namespace

std::optional<std::string_view> acceptable_request_id(std::string_view sent) {
    if (sent.empty() || sent.size() > max_request_id_length) return std::nullopt;
    if (!std::all_of(sent.begin(), sent.end(), is_id_character)) return std::nullopt;
    return sent;
}

std::optional<std::string_view> trace_id_of(std::string_view traceparent) {
    // 2 + 1 + 32 + 1 + 16 + 1 + 2 characters; a later version may append "-..." fields.
    constexpr std::size_t version_00_size = 55;
    if (traceparent.size() < version_00_size) return std::nullopt;
    const std::string_view version = traceparent.substr(0, 2);
    const std::string_view trace_id = traceparent.substr(3, 32);
    const std::string_view parent_id = traceparent.substr(36, 16);
    const std::string_view flags = traceparent.substr(53, 2);
    if (traceparent[2] != '-' || traceparent[35] != '-' || traceparent[52] != '-') {
        return std::nullopt;
    }
    if (!is_lower_hex(version) || version == "ff") return std::nullopt;
    if (version == "00" && traceparent.size() != version_00_size) return std::nullopt;
    if (traceparent.size() > version_00_size && traceparent[version_00_size] != '-') {
        return std::nullopt;
    }
    if (!is_lower_hex(trace_id) || !is_lower_hex(parent_id) || !is_lower_hex(flags)) {
        return std::nullopt;
    }
    if (all_zeros(trace_id) || all_zeros(parent_id)) return std::nullopt;
    return trace_id;
}

RequestIdSource::RequestIdSource() {
    std::random_device device;
    state_ = (std::uint64_t{device()} << 32U) | device();
}

std::string RequestIdSource::next() {
    std::string id;
    id.reserve(32);
    append_hex(id, next_random(state_));
    append_hex(id, next_random(state_));
    return id;
}

}  // namespace gateway::http
