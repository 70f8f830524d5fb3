// API keys as the key file holds them: a made key is accepted by its own line and by no
// other secret, a bad line is refused with its number and without its content, and a
// reload that fails keeps the keys in use.
#include "auth/key_set.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/api_key.hpp"
#include "auth/key_store.hpp"
#include "support/temporary_directory.hpp"

namespace gateway::auth {
namespace {

// The key with its last secret character changed: the same id, another secret.
std::string with_other_secret(std::string key) {
    key.back() = key.back() == 'A' ? 'B' : 'A';
    return key;
}

TEST(ApiKey, MadeKeyHasThePublicShape) {
    const NewKey made = make_key("ci", Scope::admin);
    EXPECT_EQ(made.key.size(), key_length);
    EXPECT_TRUE(made.key.starts_with("gwk_"));
    ASSERT_TRUE(key_id_of(made.key).has_value());
    // The line holds the id, never the key or its secret.
    EXPECT_NE(made.line.find(std::string(*key_id_of(made.key))), std::string::npos);
    EXPECT_EQ(made.line.find(made.key), std::string::npos);
    EXPECT_EQ(made.line.find(made.key.substr(key_prefix.size() + key_id_length)),
              std::string::npos);
    EXPECT_TRUE(made.line.starts_with("ci admin "));
}

TEST(ApiKey, TwoKeysMadeForOneNameDiffer) {
    const NewKey first = make_key("ci", Scope::read);
    const NewKey second = make_key("ci", Scope::read);
    EXPECT_NE(first.key, second.key);
    EXPECT_NE(first.line, second.line);
}

TEST(ApiKey, RefusesABadName) {
    EXPECT_THROW(make_key("", Scope::read), std::invalid_argument);
    EXPECT_THROW(make_key("has space", Scope::read), std::invalid_argument);
    EXPECT_THROW(make_key("-leading", Scope::read), std::invalid_argument);
    EXPECT_THROW(make_key(std::string(65, 'a'), Scope::read), std::invalid_argument);
    EXPECT_NO_THROW(make_key(std::string(64, 'a'), Scope::read));
}

TEST(ApiKey, ParsesOnlyTheTwoScopes) {
    EXPECT_EQ(parse_scope("admin"), Scope::admin);
    EXPECT_EQ(parse_scope("read"), Scope::read);
    EXPECT_EQ(parse_scope("write"), std::nullopt);
    EXPECT_EQ(parse_scope("Admin"), std::nullopt);
}

TEST(KeySet, AcceptsAMadeKeyByItsLine) {
    const NewKey admin = make_key("deployer", Scope::admin);
    const NewKey reader = make_key("dashboard", Scope::read);
    const KeySet keys = KeySet::parse(admin.line + "\n" + reader.line + "\n");
    ASSERT_EQ(keys.size(), 2u);
    const KeyLookup found = keys.find(reader.key);
    ASSERT_EQ(found.match, KeyMatch::accepted);
    EXPECT_EQ(found.entry->name, "dashboard");
    EXPECT_EQ(found.entry->scope, Scope::read);
    EXPECT_EQ(keys.find(admin.key).entry->scope, Scope::admin);
}

TEST(KeySet, RefusesAnotherSecretForAKnownIdNamingTheKey) {
    const NewKey made = make_key("deployer", Scope::admin);
    const KeySet keys = KeySet::parse(made.line);
    const KeyLookup found = keys.find(with_other_secret(made.key));
    EXPECT_EQ(found.match, KeyMatch::wrong_secret);
    ASSERT_NE(found.entry, nullptr);
    EXPECT_EQ(found.entry->name, "deployer");
}

TEST(KeySet, TellsUnknownIdsFromMalformedKeys) {
    const KeySet keys = KeySet::parse(make_key("deployer", Scope::admin).line);
    EXPECT_EQ(keys.find(make_key("other", Scope::admin).key).match, KeyMatch::unknown);
    EXPECT_EQ(keys.find("").match, KeyMatch::malformed);
    EXPECT_EQ(keys.find("gwk_short").match, KeyMatch::malformed);
    const std::string well_sized = "gwk_" + std::string(key_length - 4, 'A');
    EXPECT_EQ(keys.find(well_sized).match, KeyMatch::unknown);
    std::string bad_char = well_sized;
    bad_char[20] = '+';
    EXPECT_EQ(keys.find(bad_char).match, KeyMatch::malformed);
}

TEST(KeySet, SkipsCommentsBlankLinesAndCarriageReturns) {
    const NewKey made = make_key("deployer", Scope::admin);
    const KeySet keys =
        KeySet::parse("# keys of the staging gateway\n\n   \n\t" + made.line + "\r\n# end\n");
    EXPECT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys.find(made.key).match, KeyMatch::accepted);
}

TEST(KeySet, AnEmptyFileHoldsNoKeys) {
    const KeySet keys = KeySet::parse("# every key revoked\n");
    EXPECT_EQ(keys.size(), 0u);
    EXPECT_EQ(keys.find(make_key("deployer", Scope::admin).key).match, KeyMatch::unknown);
}

struct BadKeyFile {
    std::string name;
    std::string text;  // "$" stands for a good line made for this row
    std::string says;  // the start of what() after "line <n>: "
    int line;
};

void PrintTo(const BadKeyFile& row, std::ostream* out) {
    *out << row.name;
}

class KeyFileRefuses : public ::testing::TestWithParam<BadKeyFile> {};

TEST_P(KeyFileRefuses, NamingTheLineButNotItsContent) {
    const BadKeyFile& row = GetParam();
    const NewKey first = make_key("first", Scope::admin);
    std::string text = row.text;
    for (auto at = text.find('$'); at != std::string::npos; at = text.find('$')) {
        text.replace(at, 1, first.line);
    }
    try {
        KeySet::parse(text);
        FAIL() << "accepted:\n" << text;
    } catch (const KeyFileError& error) {
        const std::string what = error.what();
        EXPECT_TRUE(what.starts_with("line " + std::to_string(row.line) + ": " + row.says)) << what;
        // Nothing of the line comes back: it may hold a pasted key.
        EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
        EXPECT_EQ(what.find(first.line.substr(first.line.rfind(' ') + 1)), std::string::npos)
            << what;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Lines, KeyFileRefuses,
    ::testing::Values(
        BadKeyFile{"TooFewFields", "# ok\nfirst admin hunter2\n", "expected 5 fields", 2},
        BadKeyFile{"PastedKey", "$\ngwk_hunter2\n", "expected 5 fields", 2},
        BadKeyFile{"UnknownScope", "first write AAAAAAAAAAAA hunter2 hunter2\n", "unknown scope",
                   1},
        BadKeyFile{"BadName", "-first admin AAAAAAAAAAAA hunter2 hunter2\n", "the name", 1},
        BadKeyFile{"ShortId", "first admin AAAA hunter2 hunter2\n", "the id", 1},
        BadKeyFile{"BadSalt", "first admin AAAAAAAAAAAA hunter2 hunter2\n", "the salt", 1},
        BadKeyFile{"BadDigest", "first admin AAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAA hunter2\n",
                   "the digest", 1},
        BadKeyFile{"DuplicateName", "$\n\n$\n", "the name is used", 3}),
    [](const auto& info) { return info.param.name; });

TEST(KeyFileRefusesDuplicates, AnIdUsedTwiceUnderTwoNames) {
    const NewKey made = make_key("first", Scope::admin);
    const std::string renamed = "second" + made.line.substr(made.line.find(' '));
    try {
        KeySet::parse(made.line + "\n" + renamed + "\n");
        FAIL() << "accepted a duplicate id";
    } catch (const KeyFileError& error) {
        EXPECT_TRUE(std::string(error.what()).starts_with("line 2: the id is used"))
            << error.what();
    }
}

TEST(KeySetLoad, AMissingFileIsAKeyFileError) {
    const gateway::test::TemporaryDirectory directory;
    EXPECT_THROW(KeySet::load((directory.path() / "absent").string()), KeyFileError);
}

TEST(KeyStore, ReloadPutsNewKeysInUseAndABadFileKeepsThem) {
    const gateway::test::TemporaryDirectory directory;
    const NewKey first = make_key("first", Scope::admin);
    const NewKey second = make_key("second", Scope::read);
    const std::string path = directory.write("keys", first.line + "\n");
    KeyStore store(path);
    const std::shared_ptr<const KeySet> before = store.current();
    EXPECT_EQ(before->find(second.key).match, KeyMatch::unknown);

    directory.write("keys", first.line + "\n" + second.line + "\n");
    EXPECT_EQ(store.reload(), 2u);
    EXPECT_EQ(store.current()->find(second.key).match, KeyMatch::accepted);
    // A request that took the set before the reload keeps it whole.
    EXPECT_EQ(before->size(), 1u);
    EXPECT_EQ(before->find(first.key).match, KeyMatch::accepted);

    directory.write("keys", first.line + "\nsecond read\n");
    EXPECT_THROW(store.reload(), KeyFileError);
    EXPECT_EQ(store.current()->size(), 2u);
    EXPECT_EQ(store.current()->find(second.key).match, KeyMatch::accepted);

    std::filesystem::remove(path);
    EXPECT_THROW(store.reload(), KeyFileError);
    EXPECT_EQ(store.current()->find(first.key).match, KeyMatch::accepted);
}

// Worker threads take the set while SIGHUP swaps it: every lookup sees one whole file
// (under ThreadSanitizer, this is the test of the lock).
TEST(KeyStore, ReloadsWhileOtherThreadsLookUpKeys) {
    const gateway::test::TemporaryDirectory directory;
    const NewKey kept = make_key("kept", Scope::admin);
    const NewKey other = make_key("other", Scope::read);
    const std::string path = directory.write("keys", kept.line + "\n");
    KeyStore store(path);
    std::atomic<bool> done{false};
    std::atomic<int> refused{0};
    std::vector<std::thread> readers;
    readers.reserve(2);
    for (int i = 0; i < 2; ++i) {
        readers.emplace_back([&] {
            while (!done.load()) {
                if (store.current()->find(kept.key).match != KeyMatch::accepted) ++refused;
            }
        });
    }
    for (int i = 0; i < 200; ++i) {
        directory.write("keys", kept.line + "\n" + (i % 2 == 0 ? other.line + "\n" : ""));
        store.reload();
    }
    done = true;
    for (auto& reader : readers) reader.join();
    EXPECT_EQ(refused.load(), 0);
    EXPECT_EQ(store.current()->size(), 1u);
}

}  // namespace
}  // namespace gateway::auth
