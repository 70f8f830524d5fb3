#include "domain/merge_patch.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace gateway::domain {
namespace {

namespace json = boost::json;

struct Example {
    std::string original;
    std::string patch;
    std::string result;
};

class Rfc7396AppendixA : public ::testing::TestWithParam<Example> {};

TEST_P(Rfc7396AppendixA, GivesTheRfcResult) {
    json::value target = json::parse(GetParam().original);
    apply_merge_patch(target, json::parse(GetParam().patch));
    EXPECT_EQ(target, json::parse(GetParam().result))
        << GetParam().original << " + " << GetParam().patch << " gave " << json::serialize(target);
}

INSTANTIATE_TEST_SUITE_P(
    Examples, Rfc7396AppendixA,
    ::testing::Values(Example{R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
                      Example{R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
                      Example{R"({"a":"b"})", R"({"a":null})", R"({})"},
                      Example{R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
                      Example{R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
                      Example{R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
                      Example{R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})",
                              R"({"a":{"b":"d"}})"},
                      Example{R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
                      Example{R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
                      Example{R"({"a":"b"})", R"(["c"])", R"(["c"])"},
                      Example{R"({"a":"foo"})", "null", "null"},
                      Example{R"({"a":"foo"})", R"("bar")", R"("bar")"},
                      Example{R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
                      Example{R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
                      Example{R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"}));

TEST(ApplyMergePatch, MergesTheRfcSection3Document) {
    json::value target = json::parse(R"({
        "title": "Goodbye!",
        "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"],
        "content": "This will be unchanged"
    })");
    apply_merge_patch(target, json::parse(R"({
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": null},
        "tags": ["example"]
    })"));
    EXPECT_EQ(target, json::parse(R"({
        "title": "Hello!",
        "author": {"givenName": "John"},
        "tags": ["example"],
        "content": "This will be unchanged",
        "phoneNumber": "+01-123-456-7890"
    })"));
}

TEST(ApplyMergePatch, EmptyObjectPatchChangesNothing) {
    json::value target = json::parse(R"({"a":1,"b":{"c":null}})");
    const json::value before = target;
    apply_merge_patch(target, json::object{});
    EXPECT_EQ(target, before);
}

TEST(ApplyMergePatch, RemovingAnAbsentMemberIsNotAnError) {
    json::value target = json::parse(R"({"a":1})");
    apply_merge_patch(target, json::parse(R"({"zzz":null})"));
    EXPECT_EQ(target, json::parse(R"({"a":1})"));
}

}  // namespace
}  // namespace gateway::domain
