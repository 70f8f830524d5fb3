// A request's headers as the AWS signers see them: one field per name (names compared
// without regard to case), and the rules for which fields are signed and how.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/http_client.hpp"

namespace gateway::aws {

struct CanonicalHeaders {
    std::string lines;           // "name:value" per signed field, sorted, joined by '\n'
    std::string signed_headers;  // the names alone, joined by ';'
};

class SigningHeaders {
  public:
    // Each value is trimmed of surrounding spaces and tabs, as the receiving server sees
    // it; a repeated name's values are joined with ',' in request order (the SigV4 rule
    // for repeated headers). A field keeps the first spelling of its name.
    explicit SigningHeaders(const HttpHeaders& headers);

    std::optional<std::string_view> value(std::string_view lower_case_name) const;

    // Adds the field, or replaces the value of the one of that name.
    void set(std::string_view lower_case_name, std::string value);

    void erase(std::string_view lower_case_name);

    // Removes every x-amz-* field and returns them as (name as spelled, value): a
    // presigned URL carries them in its query instead.
    std::vector<std::pair<std::string, std::string>> take_amz_fields();

    // The fields that are signed (not hop-by-hop, not added by proxies or browsers),
    // names lower-cased, values with line breaks, tabs and runs of spaces folded into one
    // space and the ends trimmed.
    CanonicalHeaders canonical() const;

  private:
    struct Field {
        std::string name;  // as first spelled
        std::string value;
    };
    std::map<std::string, Field, std::less<>> fields_;  // by lower-case name
};

}  // namespace gateway::aws
