// The JSON both the container endpoint and the instance metadata service answer with:
// AccessKeyId, SecretAccessKey, Token, Expiration, and (instance metadata) Code.
#pragma once

#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "domain/expected.hpp"

namespace gateway::aws {

// The credentials, or what is wrong with the document in a few words ("no Token"). All four fields
// are required (these endpoints only hand out temporary credentials); Code, when present, must be
// "Success". The reason never repeats a value except Code's. The provider is left empty.
domain::Expected<Credentials, std::string> parse_metadata_credentials(std::string_view json);

// The "message" (or "Message") of an error document such as the container endpoint
// sends with a 4xx, shortened for a reason; empty when there is none.
std::string metadata_error_message(std::string_view json);

}  // namespace gateway::aws
