#include "aws/profile_file_parser.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace gateway::aws {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (is_blank(text.front()) || text.front() == '\r')) text.remove_prefix(1);
    while (!text.empty() && (is_blank(text.back()) || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

bool is_identifier(std::string_view text) {
    constexpr std::string_view kPunctuation = "_-/.%@:+";
    return !text.empty() && std::ranges::all_of(text, [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               kPunctuation.find(c) != std::string_view::npos;
    });
}

bool starts_comment(char c) {
    return c == '#' || c == ';';
}

// "value # note" -> "value": a comment in a property line needs whitespace before it,
// so that "abc#def" stays whole (secrets and URLs may hold either character).
std::string_view strip_inline_comment(std::string_view value) {
    for (std::size_t i = 1; i < value.size(); ++i) {
        if (starts_comment(value[i]) && is_blank(value[i - 1])) return value.substr(0, i);
    }
    return value;
}

// Which profile a section header names, or nullopt for a section to skip.
struct SectionName {
    std::string profile;
    bool bare_default = false;  // "[default]" in the config file, which "[profile default]" beats
};

std::optional<SectionName> profile_of_section(std::string_view inside, ProfileFileKind kind) {
    inside = trim(inside);
    if (kind == ProfileFileKind::credentials) {
        if (!is_identifier(inside)) return std::nullopt;
        return SectionName{std::string(inside), false};
    }
    if (inside == "default") return SectionName{"default", true};
    constexpr std::string_view kPrefix = "profile";
    // "[profilefoo]" is not "[profile foo]": the keyword needs whitespace after it.
    if (!inside.starts_with(kPrefix) || inside.size() == kPrefix.size() ||
        !is_blank(inside[kPrefix.size()])) {
        return std::nullopt;
    }
    const std::string_view name = trim(inside.substr(kPrefix.size()));
    if (!is_identifier(name)) return std::nullopt;
    return SectionName{std::string(name), false};
}

class Parser {
  public:
    explicit Parser(ProfileFileKind kind) : kind_(kind) {}

    std::optional<ProfileParseError> line(std::string_view raw, std::size_t number) {
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        const std::string_view text = trim(raw);
        if (text.empty() || starts_comment(text.front())) return std::nullopt;
        if (is_blank(raw.front())) return continuation(text, number);
        if (text.front() == '[') return section(text, number);
        return property(text, number);
    }

    Profiles finish() {
        // "[default]" counts only when no "[profile default]" exists anywhere in the file.
        if (saw_bare_default_ && !saw_prefixed_default_)
            profiles_["default"] = std::move(bare_default_);
        return std::move(profiles_);
    }

  private:
    std::optional<ProfileParseError> section(std::string_view text, std::size_t number) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return ProfileParseError{number, "a profile definition must end with ']'"};
        }
        const std::string_view after = trim(text.substr(close + 1));
        if (!after.empty() && !starts_comment(after.front())) {
            return ProfileParseError{number, "unexpected text after a profile definition"};
        }
        current_ = nullptr;
        current_key_.reset();
        in_section_ = true;
        const auto name = profile_of_section(text.substr(1, close - 1), kind_);
        if (!name) return std::nullopt;
        if (name->bare_default) {
            saw_bare_default_ = true;
            current_ = &bare_default_;
        } else {
            if (kind_ == ProfileFileKind::config && name->profile == "default") {
                saw_prefixed_default_ = true;
            }
            current_ = &profiles_[name->profile];
        }
        return std::nullopt;
    }

    std::optional<ProfileParseError> property(std::string_view text, std::size_t number) {
        if (!in_section_) {
            return ProfileParseError{number, "expected a profile definition before properties"};
        }
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) {
            return ProfileParseError{number, "expected an '=' sign defining a property"};
        }
        const std::string_view key = trim(text.substr(0, equals));
        if (key.empty()) return ProfileParseError{number, "a property has no name"};
        const std::string_view value = trim(strip_inline_comment(trim(text.substr(equals + 1))));
        current_key_ = std::string(key);
        current_has_sub_properties_ = value.empty();
        if (current_ != nullptr && is_identifier(key)) {
            current_->insert_or_assign(std::string(key), std::string(value));
        }
        return std::nullopt;
    }

    std::optional<ProfileParseError> continuation(std::string_view text, std::size_t number) {
        if (!in_section_) {
            return ProfileParseError{number, "expected a profile definition before properties"};
        }
        if (!current_key_) {
            return ProfileParseError{number,
                                     "expected a property definition, found a continuation"};
        }
        if (current_has_sub_properties_) {
            const auto equals = text.find('=');
            if (equals == std::string_view::npos) {
                return ProfileParseError{number, "expected an '=' sign defining a sub-property"};
            }
            if (trim(text.substr(0, equals)).empty()) {
                return ProfileParseError{number, "a sub-property has no name"};
            }
        }
        if (current_ == nullptr) return std::nullopt;
        const auto found = current_->find(*current_key_);
        if (found != current_->end()) {
            found->second += '\n';
            found->second += text;
        }
        return std::nullopt;
    }

    ProfileFileKind kind_;
    Profiles profiles_;
    ProfileProperties bare_default_;
    bool saw_bare_default_ = false;
    bool saw_prefixed_default_ = false;
    bool in_section_ = false;
    ProfileProperties* current_ = nullptr;  // null inside a skipped section
    std::optional<std::string> current_key_;
    bool current_has_sub_properties_ = false;
};

}  // namespace

domain::Expected<Profiles, ProfileParseError> parse_profile_file(std::string_view text,
                                                                 ProfileFileKind kind) {
    Parser parser(kind);
    std::size_t number = 0;
    while (!text.empty() || number == 0) {
        ++number;
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (auto error = parser.line(line, number)) return domain::unexpected(std::move(*error));
    }
    return parser.finish();
}

Profiles merge_profiles(Profiles config_file, const Profiles& credentials_file) {
    for (const auto& [name, properties] : credentials_file) {
        auto& target = config_file[name];
        for (const auto& [key, value] : properties) target.insert_or_assign(key, value);
    }
    return config_file;
}

}  // namespace gateway::aws
