#include "aws/credential_redaction.hpp"

#include <gtest/gtest.h>

namespace gateway::aws {
namespace {

TEST(CredentialRedaction, KeyIdHintShowsOnlyTheLastFour) {
    EXPECT_EQ(key_id_hint("AKIAIOSFODNN7EXAMPLE"), "...MPLE");
    EXPECT_EQ(key_id_hint("SHORTKEY"), "...");
    EXPECT_EQ(key_id_hint(""), "...");
}

TEST(CredentialRedaction, RemoteTextIsRedactedFlattenedAndCut) {
    EXPECT_EQ(sanitize_remote_text("token abc rejected; abc again", {"abc", ""}),
              "token <redacted> rejected; <redacted> again");
    EXPECT_EQ(sanitize_remote_text("line\r\nbreak\x01"), "line  break ");
    EXPECT_EQ(sanitize_remote_text(std::string(300, 'x'), {}, 10), "xxxxxxxxxx...");
    // Redaction happens before the cut, so no part of a secret survives it.
    EXPECT_EQ(sanitize_remote_text("12345SECRET", {"SECRET"}, 7), "12345<r...");
}

}  // namespace
}  // namespace gateway::aws
