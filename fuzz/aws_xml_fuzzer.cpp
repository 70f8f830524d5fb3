// The AWS Query protocol's XML answers (STS AssumeRoleWithWebIdentity and its errors), read
// for the elements the credential chain uses. A non-empty element body is a view into the
// answer (a self-closing element's empty body points nowhere).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/xml_text.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gateway::aws;
    const std::string_view xml(reinterpret_cast<const char*>(data), size);
    for (const std::string_view name : {"Credentials", "AccessKeyId", "SecretAccessKey",
                                        "SessionToken", "Expiration", "Code", "Message"}) {
        if (const auto body = xml_element_body(xml, name); body && !body->empty()) {
            GATEWAY_FUZZ_CHECK(body->data() >= xml.data() &&
                               body->data() + body->size() <= xml.data() + xml.size());
        }
        (void)xml_element_text(xml, name);
    }
    return 0;
}
