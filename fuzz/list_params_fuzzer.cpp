// The query of GET /apis (limit, cursor, tag, enabled), from the raw query string a client
// sends. A query that parses must give a page size within the contract's bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/url/parse.hpp>

#include "api/list_params.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway;
    std::string target = "/apis?";
    target.append(reinterpret_cast<const char*>(data), size);
    const auto url = boost::urls::parse_origin_form(target);
    if (!url) return 0;
    const auto query = api::parse_list_params(url->params());
    if (query) {
        GATEWAY_FUZZ_CHECK(query->limit >= 1 && query->limit <= api::max_page_size);
    } else {
        GATEWAY_FUZZ_CHECK(!query.error().empty());
        for (const auto& error : query.error()) {
            GATEWAY_FUZZ_CHECK(error.loc.size() == 2 && error.loc[0] == "query");
        }
    }
    return 0;
}
