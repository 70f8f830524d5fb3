// Many clients sending at the same moment, each on its own connection.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "support/http_client.hpp"

namespace gateway::test {

// Runs `body(index, client)` for index 0..count-1 on `count` threads. Every client is
// connected before any thread starts sending, and all are released together, so that
// their requests overlap as much as the machine allows. Returns what any body threw,
// one message per failed thread (empty when all succeeded).
std::vector<std::string> run_concurrently(std::uint16_t port, int count,
                                          const std::function<void(int, HttpClient&)>& body);

}  // namespace gateway::test
