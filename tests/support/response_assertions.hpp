// GoogleTest predicates for the contract's response shapes; on failure they print the
// whole response, which is what one needs to see when a black-box test fails.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/http_response.hpp"

namespace gateway::test {

// `response.status == status`.
::testing::AssertionResult HasStatus(const Response& response, unsigned status);

// `status` with the body {"detail": "<non-empty string>"} and a JSON content type.
::testing::AssertionResult IsDetailError(const Response& response, unsigned status);

// 422 with {"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}, every entry
// well-formed, and one entry whose loc starts with `loc` (an array element's loc may
// go on with its index).
::testing::AssertionResult IsValidationError(const Response& response,
                                             const std::vector<std::string>& loc);

}  // namespace gateway::test
