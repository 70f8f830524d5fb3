#include "auth/key_set.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "domain/base64url.hpp"

namespace gateway::auth {
namespace {

bool is_key_file_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';  // \r: a file written on Windows
}

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && is_key_file_space(line[at])) ++at;
        const std::size_t start = at;
        while (at < line.size() && !is_key_file_space(line[at])) ++at;
        if (at > start) fields.push_back(line.substr(start, at - start));
    }
    return fields;
}

KeyFileError line_error(std::size_t number, std::string_view what) {
    return KeyFileError("line " + std::to_string(number) + ": " + std::string(what));
}

KeyEntry entry_of(const std::vector<std::string_view>& fields, std::size_t number) {
    if (fields.size() != 5) {
        throw line_error(number, "expected 5 fields: name scope id salt digest");
    }
    KeyEntry entry;
    if (!is_key_name(fields[0])) {
        throw line_error(number,
                         "the name must be 1 to 64 characters of A-Z a-z 0-9 . _ -, starting "
                         "with a letter or a digit");
    }
    entry.name = std::string(fields[0]);
    const auto scope = parse_scope(fields[1]);
    if (!scope) throw line_error(number, "unknown scope: expected admin or read");
    entry.scope = *scope;
    const std::string probe =
        std::string(key_prefix) + std::string(fields[2]) + std::string(key_secret_length, 'A');
    if (fields[2].size() != key_id_length || !key_id_of(probe)) {
        throw line_error(number, "the id must be 12 base64url characters");
    }
    auto salt = domain::base64url_decode(fields[3]);
    if (!salt || salt->size() != key_salt_bytes) {
        throw line_error(number, "the salt must be 16 bytes in base64url");
    }
    entry.salt = std::move(*salt);
    const auto digest = domain::base64url_decode(fields[4]);
    if (!digest || digest->size() != entry.digest.size()) {
        throw line_error(number, "the digest must be 32 bytes in base64url");
    }
    std::memcpy(entry.digest.data(), digest->data(), entry.digest.size());
    return entry;
}

}  // namespace

KeySet KeySet::parse(std::string_view text) {
    KeySet keys;
    std::unordered_set<std::string> names;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        const auto fields = fields_of(line);
        if (fields.empty() || fields.front().starts_with('#')) continue;
        KeyEntry entry = entry_of(fields, number);
        if (!names.insert(entry.name).second) {
            throw line_error(number, "the name is used by an earlier line");
        }
        std::string id(fields[2]);
        if (!keys.by_id_.emplace(std::move(id), std::move(entry)).second) {
            throw line_error(number, "the id is used by an earlier line");
        }
    }
    return keys;
}

KeySet KeySet::load(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw KeyFileError("cannot open " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) throw KeyFileError("cannot read " + path);
    return parse(text.str());
}

KeyLookup KeySet::find(std::string_view presented) const {
    const auto id = key_id_of(presented);
    if (!id) return {KeyMatch::malformed, nullptr};
    // The id is public: finding it (or not) in time that depends on it reveals nothing.
    const auto found = by_id_.find(std::string(*id));
    if (found == by_id_.end()) return {KeyMatch::unknown, nullptr};
    const KeyEntry& entry = found->second;
    const KeyDigest digest = key_digest(entry.salt, presented);
    const bool same = CRYPTO_memcmp(digest.data(), entry.digest.data(), digest.size()) == 0;
    return {same ? KeyMatch::accepted : KeyMatch::wrong_secret, &entry};
}

}  // namespace gateway::auth
