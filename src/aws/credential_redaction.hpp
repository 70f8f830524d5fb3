// Keeping secrets out of errors and logs. Only an access key id's last four characters
// may be shown; text that came from a remote endpoint is shortened, flattened to one
// line and stripped of any secret the request carried before it reaches a message.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace gateway::aws {

// "...WXYZ": enough to tell two keys apart in a log, too little to use.
std::string key_id_hint(std::string_view access_key_id);

// `text` cut to `limit` characters, control characters as spaces, and every
// occurrence of each non-empty secret replaced by "<redacted>".
std::string sanitize_remote_text(std::string_view text,
                                 std::initializer_list<std::string_view> secrets = {},
                                 std::size_t limit = 200);

}  // namespace gateway::aws
