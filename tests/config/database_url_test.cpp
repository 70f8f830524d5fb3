#include "config/database_url.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/connection_params.hpp"
#include "config/password_masking.hpp"
#include "config/settings.hpp"

namespace gateway::config {
namespace {

constexpr std::string_view password = "s3cr3t-P@ss";
constexpr std::string_view encoded_password = "s3cr3t-P%40ss";

// Every fragment a careless printer might leave behind.
void expect_no_password(std::string_view text) {
    for (const std::string_view fragment :
         {password, encoded_password, std::string_view{"s3cr3t"}}) {
        EXPECT_EQ(text.find(fragment), std::string_view::npos) << text;
    }
}

std::string config_error_of(std::string_view url) {
    try {
        parse_database_url(url);
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.variable(), "DATABASE_URL");
        return error.what();
    }
    ADD_FAILURE() << "accepted";
    return {};
}

TEST(DatabaseUrl, AcceptsEverySupportedScheme) {
    for (const char* scheme :
         {"postgresql", "postgres", "postgresql+asyncpg", "postgresql+psycopg2", "postgres+psycopg",
          "POSTGRESQL", "PostgreSQL+AsyncPG"}) {
        SCOPED_TRACE(scheme);
        const auto params =
            parse_database_url(std::string(scheme) + "://app@db.example.com/gateway");
        EXPECT_EQ(params.host, "db.example.com");
        EXPECT_EQ(params.dbname, "gateway");
        EXPECT_EQ(params.user, "app");
    }
}

TEST(DatabaseUrl, RejectsOtherSchemes) {
    for (const char* url : {"mysql://h/d", "postgresqlx://h/d", "postgresql+://h/d", "http://h/d",
                            "pg://h/d", "+asyncpg://h/d", "sqlite:///x.db"}) {
        SCOPED_TRACE(url);
        config_error_of(url);
    }
}

TEST(DatabaseUrl, FullUrlIsDecoded) {
    const auto params =
        parse_database_url("postgresql+asyncpg://gate%20keeper:" + std::string(encoded_password) +
                           "@db.example.com:6543/my%2Fdb%20name");
    EXPECT_EQ(params.host, "db.example.com");
    EXPECT_EQ(params.port, 6543);
    EXPECT_EQ(params.user, "gate keeper");
    EXPECT_EQ(params.password, password);
    EXPECT_EQ(params.dbname, "my/db name");
    EXPECT_TRUE(params.parameters.empty());
}

TEST(DatabaseUrl, OptionalPartsDefault) {
    struct Case {
        std::string url;
        std::uint16_t port;
        std::string dbname, user, password;
    };
    const std::vector<Case> cases{
        {"postgresql://h", 5432, "", "", ""},        {"postgresql://h/", 5432, "", "", ""},
        {"postgresql://h:/d", 5432, "d", "", ""},    {"postgresql://u@h/d", 5432, "d", "u", ""},
        {"postgresql://u:@h/d", 5432, "d", "u", ""}, {"postgresql://:pw@h/d", 5432, "d", "", "pw"},
        {"postgresql://h:1/d", 1, "d", "", ""},      {"postgresql://h:65535/d", 65535, "d", "", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.url);
        const auto params = parse_database_url(c.url);
        EXPECT_EQ(params.host, "h");
        EXPECT_EQ(params.port, c.port);
        EXPECT_EQ(params.dbname, c.dbname);
        EXPECT_EQ(params.user, c.user);
        EXPECT_EQ(params.password, c.password);
    }
}

TEST(DatabaseUrl, HostForms) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"postgresql://[::1]:5433/d", "::1"},
        {"postgresql://[2001:db8::1]/d", "2001:db8::1"},
        {"postgresql://192.0.2.10/d", "192.0.2.10"},
        {"postgresql://DB.Example.com/d", "DB.Example.com"},
        {"postgresql://%2Fvar%2Frun%2Fpostgresql/d", "/var/run/postgresql"},
        {"postgresql:///d?host=/run/postgresql", "/run/postgresql"},
        {"postgresql://ignored/d?host=other.example.com", "other.example.com"},
    };
    for (const auto& [url, host] : cases) {
        SCOPED_TRACE(url);
        EXPECT_EQ(parse_database_url(url).host, host);
    }
    EXPECT_EQ(parse_database_url("postgresql://[::1]:5433/d").port, 5433);
}

TEST(DatabaseUrl, QueryParametersBecomeLibpqParametersInOrder) {
    const auto params = parse_database_url(
        "postgresql://h/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3"
        "&application_name=gate+way%20api&options=-c%20search_path%3Dgw"
        "&target_session_attrs=read-write");
    const std::vector<ConnectionParameter> expected{
        {"sslmode", "verify-full"},       {"sslrootcert", "/etc/ca.pem"},
        {"connect_timeout", "3"},         {"application_name", "gate+way api"},
        {"options", "-c search_path=gw"}, {"target_session_attrs", "read-write"}};
    EXPECT_EQ(params.parameters, expected);
    EXPECT_EQ(find_parameter(params, "connect_timeout"), "3");
    EXPECT_EQ(find_parameter(params, "keepalives"), std::nullopt);
}

TEST(DatabaseUrl, QueryOverridesUrlPartsAsLibpqDoes) {
    const auto params = parse_database_url(
        "postgresql://u:pw@h:1/d?port=2&user=u2&password=pw2&dbname=d2&hostaddr=192.0.2.1");
    EXPECT_EQ(params.port, 2);
    EXPECT_EQ(params.user, "u2");
    EXPECT_EQ(params.password, "pw2");
    EXPECT_EQ(params.dbname, "d2");
    EXPECT_EQ(params.parameters, (std::vector<ConnectionParameter>{{"hostaddr", "192.0.2.1"}}));
}

TEST(DatabaseUrl, SslIsAnAliasOfSslmode) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"true", "require"}, {"false", "disable"}, {"verify-ca", "verify-ca"}};
    for (const auto& [value, mode] : cases) {
        SCOPED_TRACE(value);
        EXPECT_EQ(find_parameter(parse_database_url("postgresql://h/d?ssl=" + value), "sslmode"),
                  mode);
    }
    config_error_of("postgresql://h/d?ssl=yes-please");
    config_error_of("postgresql://h/d?ssl=true&sslmode=require");
}

TEST(DatabaseUrl, EmptyQuerySegmentsAreIgnored) {
    EXPECT_EQ(parse_database_url("postgresql://h/d?&sslmode=require&&").parameters.size(), 1u);
    EXPECT_TRUE(parse_database_url("postgresql://h/d?").parameters.empty());
}

TEST(DatabaseUrl, RejectsMalformedUrls) {
    const std::vector<std::string> cases{
        "",
        "postgresql",
        "postgresql:",
        "postgresql:/h/d",
        "postgresql:h/d",
        "postgresql://",
        "postgresql:///d",
        "postgresql://h d/x",
        "postgresql://h:port/d",
        "postgresql://h:0/d",
        "postgresql://h:65536/d",
        "postgresql://h:-1/d",
        "postgresql://h:99999999999999999999/d",
        "postgresql://h1:5432,h2:5433/d",
        "postgresql://h1,h2/d",
        "postgresql://[v1.fe]/d",
        "postgresql://[::1/d",
        "postgresql://1.2.3.999/d",
        "postgresql://-bad-/d",
        "postgresql://h/d#frag",
        "postgresql://h/d?sslmode",
        "postgresql://h/d?=x",
        "postgresql://h/d?sslmode=sometimes",
        "postgresql://h/d?sslmode=require&sslmode=disable",
        "postgresql://h/d?port=x",
        "postgresql://h/d?host=not%20a%20host",
        "host=h dbname=d",
    };
    for (const auto& url : cases) {
        SCOPED_TRACE(url);
        config_error_of(url);
    }
}

TEST(DatabaseUrl, UnknownParameterIsLocatedAndCorrected) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"postgresql://h/d?sslmod=require",
         "DATABASE_URL: query parameter 1 is not a libpq connection parameter "
         "(did you mean 'sslmode'?)"},
        {"postgresql://h/d?sslmode=require&SSLROOTCERT=x",
         "DATABASE_URL: query parameter 2 is not a libpq connection parameter "
         "(did you mean 'sslrootcert'?)"},
        {"postgresql://h/d?prepared_statement_cache_size=0",
         "DATABASE_URL: query parameter 1 is not a libpq connection parameter"},
        {"postgresql://h/d?x",
         "DATABASE_URL: query parameter 1 is not a libpq connection parameter"},
    };
    for (const auto& [url, message] : cases) {
        EXPECT_EQ(config_error_of(url), message);
    }
}

TEST(DatabaseUrl, MisEncodedPasswordGetsAHint) {
    EXPECT_EQ(config_error_of("postgresql://app:" + std::string(password) + "@h/d"),
              "DATABASE_URL: unexpected '@' after the host; percent-encode '@' in the user "
              "name or password as %40");
}

TEST(DatabaseUrl, BadPortErrorSaysWhatIsExpected) {
    EXPECT_EQ(config_error_of("postgresql://h:70000/d"),
              "DATABASE_URL: expected a port from 1 to 65535");
}

TEST(DatabaseUrl, ErrorsNeverRepeatThePassword) {
    const std::string p(password);
    const std::string e(encoded_password);
    const std::vector<std::string> cases{
        "postgresql://app:" + p + "@db.example.com/gateway",        // '@' not encoded
        "postgresql://app:" + p + "@db.example.com",                // ... and no path
        "mysql://app:" + e + "@db.example.com/gateway",             // wrong scheme
        "postgresql://app:" + e + "@db.example.com:99999/gateway",  // bad port
        "postgresql://app:" + e + "@db.example.com/gateway?bogus=1",
        "postgresql://app:" + e + "@db.example.com/gateway?password=" + e + "&password=x",
        "postgresql://app:" + e + "@db.example.com/gateway#" + e,
        "postgresql://app:" + e + "@db.example.com/gateway?sslmode=" + e,
        "postgresql://app:s3cr3t/Pass@db.example.com/gateway",  // '/' not encoded
        "postgresql://app:s3cr3t?Pass@db.example.com/gateway",  // '?' not encoded
        "postgresql://app:s3cr3t#Pass@db.example.com/gateway",  // '#' not encoded
        "postgresql://app:1234?s3cr3t@db.example.com/gateway",  // looks like a port
        "postgresql://app:1234?s3cr3t",                         // ... without the '@'
        "postgresql://app:s3cr3t Pass@db.example.com/gateway",  // space
        "postgresql://app:" + p + "@[::1/gateway",
        "host=db password=" + p,
    };
    for (const auto& url : cases) {
        SCOPED_TRACE(mask_password(url));
        expect_no_password(config_error_of(url));
    }
}

TEST(Conninfo, QuotesAndEscapesEveryValue) {
    ConnectionParams params;
    params.host = "db.example.com";
    params.port = 6543;
    params.dbname = "my db";
    params.user = "o'brien";
    params.password = R"(p\a's s)";
    params.parameters = {{"application_name", "gateway"}, {"options", ""}};
    EXPECT_EQ(to_conninfo(params),
              R"(host='db.example.com' port='6543' dbname='my db' user='o\'brien' )"
              R"(password='p\\a\'s s' application_name='gateway' options='')");
}

TEST(Conninfo, SetParameterReplacesOrAppends) {
    ConnectionParams params;
    params.parameters = {{"sslmode", "prefer"}};
    set_parameter(params, "sslmode", "require");
    set_parameter(params, "application_name", "gateway");
    EXPECT_EQ(params.parameters, (std::vector<ConnectionParameter>{
                                     {"sslmode", "require"}, {"application_name", "gateway"}}));
}

TEST(Conninfo, OmitsEmptyFields) {
    ConnectionParams params;
    params.host = "h";
    EXPECT_EQ(to_conninfo(params), "host='h' port='5432'");
}

TEST(Conninfo, LibpqReadsBackWhatWasWritten) {
    ConnectionParams params;
    params.host = "::1";
    params.dbname = R"(a'b\c d)";
    params.user = "u s'";
    params.password = std::string(password) + R"( '\")";
    params.parameters = {{"sslmode", "require"}, {"application_name", "x y"}};
    const std::string conninfo = to_conninfo(params);
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{
        PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree};
    ASSERT_TRUE(options) << (error ? error : "");
    std::map<std::string, std::string> read;
    for (auto* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val != nullptr) read[option->keyword] = option->val;
    }
    EXPECT_EQ(read["host"], "::1");
    EXPECT_EQ(read["port"], "5432");
    EXPECT_EQ(read["dbname"], params.dbname);
    EXPECT_EQ(read["user"], params.user);
    EXPECT_EQ(read["password"], params.password);
    EXPECT_EQ(read["sslmode"], "require");
    EXPECT_EQ(read["application_name"], "x y");
}

TEST(Conninfo, RoundTripsAParsedUrl) {
    const auto params = parse_database_url("postgres://app:" + std::string(encoded_password) +
                                           "@db.example.com/gateway?sslmode=require");
    EXPECT_EQ(to_conninfo(params),
              "host='db.example.com' port='5432' dbname='gateway' user='app' "
              "password='s3cr3t-P@ss' sslmode='require'");
}

TEST(DescribeForLog, ShowsEverythingButThePassword) {
    const auto params =
        parse_database_url("postgresql+asyncpg://app:" + std::string(encoded_password) +
                           "@db.example.com/gateway?sslmode=require");
    EXPECT_EQ(describe_for_log(params),
              "postgresql://app:***@db.example.com:5432/gateway?sslmode=require");
}

TEST(DescribeForLog, Forms) {
    ConnectionParams plain;
    plain.host = "h";
    EXPECT_EQ(describe_for_log(plain), "postgresql://h:5432");

    ConnectionParams full;
    full.host = "2001:db8::1";
    full.port = 6543;
    full.dbname = "g w";
    full.user = "a@b";
    full.password = std::string(password);
    full.parameters = {{"sslpassword", std::string(password)}, {"application_name", "a&b"}};
    const std::string text = describe_for_log(full);
    EXPECT_EQ(
        text,
        "postgresql://a%40b:***@[2001:db8::1]:6543/g%20w?sslpassword=***&application_name=a%26b");
    expect_no_password(text);

    ConnectionParams socket;
    socket.host = "/var/run/postgresql";
    socket.user = "app";
    EXPECT_EQ(describe_for_log(socket), "postgresql://app@%2Fvar%2Frun%2Fpostgresql:5432");
}

TEST(MaskPassword, WellFormedUrls) {
    const std::string e(encoded_password);
    const std::vector<std::pair<std::string, std::string>> cases{
        {"postgresql://app:" + e + "@db.example.com:5432/gateway?sslmode=require",
         "postgresql://app:***@db.example.com:5432/gateway?sslmode=require"},
        {"postgresql+asyncpg://app:" + e + "@[::1]/g", "postgresql+asyncpg://app:***@[::1]/g"},
        {"postgresql://app@h/g?password=" + e + "&application_name=x",
         "postgresql://app@h/g?password=***&application_name=x"},
        {"postgresql://h/g?sslpassword=" + e, "postgresql://h/g?sslpassword=***"},
        {"postgresql://app@h/g", "postgresql://app@h/g"},
        {"postgresql://h/g?application_name=me@home", "postgresql://h/g?application_name=me@home"},
    };
    for (const auto& [url, masked] : cases) {
        EXPECT_EQ(mask_password(url), masked);
    }
}

TEST(MaskPassword, MalformedOrAmbiguousUrlsNeverLeak) {
    const std::string p(password);
    const std::vector<std::string> cases{
        "postgresql://app:" + p + "@db.example.com/gateway",
        "postgresql://app:" + p + "@db.example.com",
        "postgresql://app:s3cr3t/Pass@db.example.com/gateway",
        "postgresql://app:s3cr3t?Pass@db.example.com/gateway",
        "postgresql://app:s3cr3t#Pass@db.example.com/gateway",
        "postgresql://app:s3cr3t Pass@db.example.com/gateway",
        "postgresql://app:1234?s3cr3t@db.example.com/gateway",
        "postgresql:/app:" + p + "@db.example.com/gateway",
        "postgresql:app:" + p + "@db.example.com/gateway",
        "app:" + p + "@db.example.com/gateway",
        "postgresql://app@h/g?pass%77ord=" + p,
        "postgresql://app@h/g?x=1&PASSWORD=" + p + "&y=@",
    };
    for (const auto& url : cases) {
        const std::string masked = mask_password(url);
        expect_no_password(masked);
        EXPECT_NE(masked.find("***"), std::string::npos) << masked;
    }
    EXPECT_EQ(mask_password("postgresql://app:" + p + "@db.example.com/gateway"),
              "postgresql://app:***@db.example.com/gateway");
}

TEST(MaskPassword, ConninfoStrings) {
    const std::string p(password);
    EXPECT_EQ(mask_password("host=db user=app password=" + p + " sslmode=require"),
              "user='app' password='***' host='db' sslmode='require'");
    const std::vector<std::string> cases{
        "host=db password='" + p + " with \\' quote'",
        "host=db password='" + p,  // unterminated
        "host=db PASSWORD=" + p,   // libpq rejects the upper-case keyword
        "host=db sslpassword=" + p,
        "dbname='postgresql://app:" + p + "@h/g'",
    };
    for (const auto& conninfo : cases) {
        const std::string masked = mask_password(conninfo);
        expect_no_password(masked);
        EXPECT_NE(masked.find("***"), std::string::npos) << masked;
    }
}

TEST(MaskPassword, TextWithoutPasswordIsUnchanged) {
    EXPECT_EQ(mask_password(""), "");
    EXPECT_EQ(mask_password("postgresql://db.example.com/gateway"),
              "postgresql://db.example.com/gateway");
    EXPECT_EQ(mask_password("not a connection string"), "not a connection string");
}

TEST(MaskPassword, DescribedParamsStayMasked) {
    ConnectionParams params;
    params.host = "h";
    params.user = "app";
    params.password = std::string(password);
    const std::string described = describe_for_log(params);
    EXPECT_EQ(mask_password(described), described);
    expect_no_password(mask_password(to_conninfo(params)));
}

}  // namespace
}  // namespace gateway::config
