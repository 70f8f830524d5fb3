// JSON Merge Patch (RFC 7396) as PATCH /apis/{api_id} applies it. The input is a JSON
// array [target, patch], or else a patch applied to a stored API's writable fields, whose
// result is then validated as the handler does. Merge patch is idempotent: applying the
// same patch twice must give what applying it once gave.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "domain/merge_patch.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::string_view kStoredSpec =
    R"({"name":"orders","description":"Order API","base_path":"/orders",)"
    R"("upstream_url":"http://127.0.0.1:9000","methods":["GET","POST"],)"
    R"("tags":["shop","v1"],"enabled":true})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway;
    boost::system::error_code ec;
    const boost::json::value input =
        boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
    if (ec) return 0;

    const bool pair = input.is_array() && input.as_array().size() == 2;
    boost::json::value target = pair ? input.as_array()[0] : boost::json::parse(kStoredSpec);
    const boost::json::value& patch = pair ? input.as_array()[1] : input;

    domain::apply_merge_patch(target, patch);
    boost::json::value twice = target;
    domain::apply_merge_patch(twice, patch);
    // Compared as text: Boost.JSON 1.81 parses a zero with a huge exponent (0e400) as NaN,
    // which equals nothing, itself included; its text is the same on both sides.
    GATEWAY_FUZZ_CHECK(boost::json::serialize(twice) == boost::json::serialize(target));

    if (!pair && target.is_object()) (void)domain::spec_from_json(target.as_object());
    return 0;
}
