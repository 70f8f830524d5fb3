#include "config/password_masking.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <memory>
#include <vector>

#include "config/connection_params.hpp"
#include "config/env_value.hpp"

namespace gateway::config {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool has_url_scheme(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || !is_alpha(text.front())) return false;
    const std::string_view scheme = text.substr(0, colon);
    return std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    });
}

bool contains_password_word(std::string_view text) {
    return to_lower(text).find("password") != std::string::npos;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Tolerates invalid escapes, which a malformed URL is likely to contain.
std::string loose_percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Query values whose key mentions a password, in any case or encoding, are hidden.
std::string mask_query_text(std::string_view text) {
    const auto question = text.find('?');
    if (question == std::string_view::npos) return std::string(text);
    std::string out(text.substr(0, question + 1));
    std::string_view rest = text.substr(question + 1);
    bool first = true;
    while (true) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        if (!first) out += '&';
        first = false;
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos &&
            contains_password_word(loose_percent_decode(pair.substr(0, equals)))) {
            out += pair.substr(0, equals + 1);
            out += password_mask;
        } else {
            out += pair;
        }
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return out;
}

// A malformed or ambiguous URL, or user:password@host without a scheme: libpq and URL
// parsers disagree on where a password containing '@', '/', '?' or '#' ends, so
// everything up to the last '@' counts as userinfo.
std::string mask_url_text(std::string_view text) {
    std::size_t start = 0;
    if (has_url_scheme(text)) {
        const auto colon = text.find(':');
        if (text.substr(colon + 1).starts_with("//")) start = colon + 3;
    }
    std::string out(text.substr(0, start));
    std::string_view rest = text.substr(start);
    const auto at = rest.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        const auto colon = userinfo.find(':');
        out += userinfo.substr(0, colon);
        if (colon != std::string_view::npos) {
            out += ':';
            out += password_mask;
        }
        rest.remove_prefix(at);
    }
    out += rest;
    // Over the whole text: without a ':' the "userinfo" may be a query in disguise.
    return mask_query_text(out);
}

std::string mask_parsed_url(boost::urls::url url) {
    if (url.has_password()) url.set_password(password_mask);
    const boost::urls::encoding_opts plain{false, false, false};
    const auto query = url.params(plain);
    std::vector<boost::urls::param> parameters(query.begin(), query.end());
    bool masked_parameter = false;
    for (auto& parameter : parameters) {
        // Wider than libpq's keywords: mis-cased names are hidden too.
        if (parameter.has_value && contains_password_word(parameter.key)) {
            parameter.value = password_mask;
            masked_parameter = true;
        }
    }
    if (masked_parameter) url.params(plain).assign(parameters.begin(), parameters.end());
    return std::string(url.buffer());
}

std::string mask_url(std::string_view text) {
    const auto parsed = boost::urls::parse_uri(text);
    if (!parsed) return mask_url_text(text);
    // Exactly one '@' when there is userinfo, none otherwise; anything else means the
    // parser's idea of the userinfo may not be libpq's.
    const auto at_signs = std::ranges::count(text, '@');
    if (at_signs != (parsed->has_userinfo() ? 1 : 0)) return mask_url_text(text);
    return mask_parsed_url(boost::urls::url(*parsed));
}

std::string mask_unparsed_conninfo(std::string_view text) {
    const auto keyword = to_lower(text).find("password");
    if (keyword != std::string::npos) {
        const auto equals = text.find('=', keyword);
        const auto keep = equals == std::string_view::npos ? keyword + 8 : equals + 1;
        return std::string(text.substr(0, keep)) + std::string(password_mask);
    }
    // Perhaps a URL without its scheme: user:password@host.
    if (text.find('@') != std::string_view::npos) {
        return mask_url_text(text);
    }
    return std::string(text);
}

std::string mask_conninfo(std::string_view text) {
    const std::string terminated(text);
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{
        PQconninfoParse(terminated.c_str(), &error), &PQconninfoFree};
    // libpq's message quotes the input, so it is dropped unread.
    if (error != nullptr) PQfreemem(error);
    if (!options) return mask_unparsed_conninfo(text);
    std::string out;
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        const std::string_view value = option->val;
        if (is_secret_parameter(option->keyword)) {
            append_conninfo(out, option->keyword, password_mask);
        } else if (value.find("://") != std::string_view::npos) {
            // dbname may itself hold a URL when libpq is asked to expand it.
            append_conninfo(out, option->keyword, mask_url(value));
        } else {
            append_conninfo(out, option->keyword, value);
        }
    }
    return out;
}

}  // namespace

std::string mask_password(std::string_view url_or_conninfo) {
    if (has_url_scheme(url_or_conninfo)) return mask_url(url_or_conninfo);
    return mask_conninfo(url_or_conninfo);
}

}  // namespace gateway::config
