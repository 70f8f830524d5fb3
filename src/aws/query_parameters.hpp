// A request's query as the AWS signers see it: decoded names, each with its decoded
// values in the order they came. Signing re-encodes them in SigV4's one canonical way,
// so two spellings of the same query (%7E or ~, %2f or %2F) sign alike.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::aws {

class QueryParameters {
  public:
    // A query string as sent, without the '?': pairs split at '&', name and value at the
    // first '=' (a pair without one has an empty value), both percent-decoded; empty
    // pairs are skipped. A repeated name collects its values in order.
    static QueryParameters parse(std::string_view query);

    // Replaces every value of exactly that name (the SDK's parameters are case-sensitive).
    void set(const std::string& name, std::string value);

    // SigV4's canonical query string: names and values URI-encoded, sorted by encoded name
    // and then by encoded value. X-Amz-Signature, in any case, is left out: a presigned
    // URL cannot sign its own signature.
    std::string canonical() const;

    // The query string to send, as the AWS SDK for JavaScript renders one: names in
    // JavaScript's string order (UTF-16 code units), a name's values in their order,
    // names and values URI-encoded.
    std::string to_query_string() const;

  private:
    std::map<std::string, std::vector<std::string>> values_by_name_;
};

}  // namespace gateway::aws
