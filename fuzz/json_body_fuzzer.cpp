// A request body on its way to a validated API, as POST and PUT take it: read as a JSON
// object, then validated field by field. A valid spec must come back unchanged from its
// own JSON (what a merge patch is applied to), and a refused one must say why.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/json_body.hpp"
#include "domain/api_json.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway;
    api::Request request;
    request.method = "POST";
    request.target = "/apis";
    request.content_type = "application/json";
    request.body = std::string_view(reinterpret_cast<const char*>(data), size);

    auto body = api::read_json_object(request, {"application/json"});
    if (!body) {
        GATEWAY_FUZZ_CHECK(body.error().status == 400);
        return 0;
    }
    const auto spec = domain::spec_from_json(*body);
    if (!spec) {
        GATEWAY_FUZZ_CHECK(!spec.error().empty());
        return 0;
    }
    const auto again = domain::spec_from_json(domain::spec_to_json_object(*spec));
    GATEWAY_FUZZ_CHECK(again && *again == *spec);
    return 0;
}
