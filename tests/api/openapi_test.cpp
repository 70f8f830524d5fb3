// The OpenAPI document served at /openapi.json describes the HTTP contract.
#include "api/openapi_document.hpp"

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace {

namespace json = boost::json;

// Parsed once: every test reads the same compiled-in document.
const json::value& document() {
    static const json::value parsed = json::parse(gateway::api::openapi_document());
    return parsed;
}

const json::object& paths() {
    return document().at("paths").as_object();
}

// Follows a local reference ("#/components/schemas/Api") to what it names, or nullptr.
const json::value* resolve_ref(std::string_view ref) {
    if (!ref.starts_with("#/")) return nullptr;
    boost::system::error_code ec;
    return document().find_pointer(ref.substr(1), ec);
}

// `value` itself, or what it refers to when it is a {"$ref": ...} object.
const json::object& dereferenced(const json::value& value) {
    const json::object& object = value.as_object();
    if (const json::value* ref = object.if_contains("$ref")) {
        const json::value* target = resolve_ref(ref->as_string());
        if (target == nullptr) throw std::runtime_error("unresolved $ref");
        return target->as_object();
    }
    return object;
}

const json::object& operation(std::string_view path, std::string_view method) {
    return paths().at(path).at(method).as_object();
}

// The parameters that apply to an operation: the path item's and the operation's own.
std::vector<json::object> parameters_of(std::string_view path, std::string_view method) {
    std::vector<json::object> result;
    const json::value& path_item = paths().at(path);
    for (const json::value* owner : {&path_item, &path_item.at(method)}) {
        if (const json::value* list = owner->as_object().if_contains("parameters")) {
            for (const json::value& parameter : list->as_array()) {
                result.push_back(dereferenced(parameter));
            }
        }
    }
    return result;
}

const json::object& request_schema(std::string_view path, std::string_view method,
                                   std::string_view media_type) {
    const json::object& body = dereferenced(operation(path, method).at("requestBody"));
    return dereferenced(body.at("content").at(media_type).at("schema"));
}

const json::object& api_schema() {
    return resolve_ref("#/components/schemas/Api")->as_object();
}

// Every "$ref" string anywhere below `value`.
void collect_refs(const json::value& value, std::vector<std::string>& refs) {
    if (const json::object* object = value.if_object()) {
        for (const auto& [key, member] : *object) {
            if (key == "$ref" && member.is_string()) {
                refs.emplace_back(member.as_string());
            } else {
                collect_refs(member, refs);
            }
        }
    } else if (const json::array* array = value.if_array()) {
        for (const json::value& element : *array) collect_refs(element, refs);
    }
}

struct ContractOperation {
    std::string path;
    std::string method;
    std::string success_status;
};

const std::vector<ContractOperation> kContractOperations = {
    {"/apis", "post", "201"},
    {"/apis", "get", "200"},
    {"/apis/{ref}", "get", "200"},
    {"/apis/{ref}", "put", "200"},
    {"/apis/{ref}", "patch", "200"},
    {"/apis/{ref}", "delete", "204"},
    {"/health", "get", "200"},
    {"/openapi.json", "get", "200"},
    {"/health/live", "get", "200"},
    {"/health/ready", "get", "200"},
    {"/journal/conflicts", "get", "200"},
    {"/metrics", "get", "200"},
    {"/audit", "get", "200"},
    // HEAD wherever GET, OPTIONS everywhere.
    {"/apis", "head", "200"},
    {"/apis/{ref}", "head", "200"},
    {"/health", "head", "200"},
    {"/openapi.json", "head", "200"},
    {"/health/live", "head", "200"},
    {"/health/ready", "head", "200"},
    {"/journal/conflicts", "head", "200"},
    {"/metrics", "head", "200"},
    {"/audit", "head", "200"},
    {"/apis", "options", "204"},
    {"/apis/{ref}", "options", "204"},
    {"/health", "options", "204"},
    {"/openapi.json", "options", "204"},
    {"/health/live", "options", "204"},
    {"/health/ready", "options", "204"},
    {"/journal/conflicts", "options", "204"},
    {"/metrics", "options", "204"},
    {"/audit", "options", "204"},
};

const std::vector<std::string> kHttpMethods = {"get",     "put",  "post",  "delete",
                                               "options", "head", "patch", "trace"};

// The contract's field table, in its order.
const std::vector<std::string> kContractFields = {
    "id",           "name",    "description", "version",    "base_path",
    "upstream_url", "methods", "enabled",     "auth_type",  "rate_limit_per_minute",
    "timeout_ms",   "tags",    "revision",    "created_at", "updated_at"};

const std::vector<std::string> kReadOnlyFields = {"id", "revision", "created_at", "updated_at"};

TEST(OpenApiDocument, IsAJsonObject) {
    EXPECT_TRUE(document().is_object());
}

TEST(OpenApiDocument, DeclaresOpenApiVersion3) {
    const json::string& version = document().at("openapi").as_string();
    EXPECT_TRUE(std::string_view(version).starts_with("3.")) << version;
}

TEST(OpenApiDocument, InfoNamesTheServiceAndItsVersion) {
    const json::value& info = document().at("info");
    EXPECT_EQ(info.at("title").as_string(), "Gateway Management API");
    EXPECT_EQ(info.at("version").as_string(), "1.0.0");
}

TEST(OpenApiDocument, DescribesEveryContractOperationWithItsSuccessStatus) {
    for (const ContractOperation& expected : kContractOperations) {
        SCOPED_TRACE(expected.method + " " + expected.path);
        const json::object* path_item =
            paths().if_contains(expected.path) ? &paths().at(expected.path).as_object() : nullptr;
        ASSERT_NE(path_item, nullptr);
        const json::value* op = path_item->if_contains(expected.method);
        ASSERT_NE(op, nullptr);
        EXPECT_TRUE(op->at("responses").as_object().contains(expected.success_status));
    }
}

TEST(OpenApiDocument, DescribesNoOperationOutsideTheContract) {
    std::set<std::pair<std::string, std::string>> contract;
    for (const ContractOperation& op : kContractOperations) contract.emplace(op.path, op.method);
    for (const auto& [path, item] : paths()) {
        for (const std::string& method : kHttpMethods) {
            if (item.as_object().contains(method)) {
                EXPECT_TRUE(contract.contains({std::string(path), method}))
                    << method << " " << std::string_view(path);
            }
        }
    }
}

TEST(OpenApiDocument, EveryOperationHasAUniqueOperationId) {
    std::set<std::string> seen;
    for (const auto& [path, item] : paths()) {
        for (const std::string& method : kHttpMethods) {
            const json::value* op = item.as_object().if_contains(method);
            if (op == nullptr) continue;
            const json::value* id = op->as_object().if_contains("operationId");
            ASSERT_NE(id, nullptr) << method << " " << std::string_view(path);
            EXPECT_TRUE(seen.insert(std::string(id->as_string())).second)
                << "duplicate operationId " << id->as_string();
        }
    }
}

TEST(OpenApiDocument, EveryRefResolvesToAnExistingComponent) {
    std::vector<std::string> refs;
    collect_refs(document(), refs);
    ASSERT_FALSE(refs.empty());
    for (const std::string& ref : refs) {
        EXPECT_TRUE(ref.starts_with("#/components/")) << ref;
        EXPECT_NE(resolve_ref(ref), nullptr) << ref;
    }
}

TEST(OpenApiDocument, ApiSchemaListsEveryContractField) {
    const json::object& properties = api_schema().at("properties").as_object();
    for (const std::string& field : kContractFields) {
        EXPECT_TRUE(properties.contains(field)) << field;
    }
}

TEST(OpenApiDocument, ApiSchemaRequiresEveryContractField) {
    std::set<std::string> required;
    for (const json::value& name : api_schema().at("required").as_array()) {
        required.emplace(name.as_string());
    }
    for (const std::string& field : kContractFields) {
        EXPECT_TRUE(required.contains(field)) << field;
    }
}

TEST(OpenApiDocument, ApiSchemaMarksServerOwnedFieldsReadOnly) {
    const json::object& properties = api_schema().at("properties").as_object();
    for (const std::string& field : kReadOnlyFields) {
        const json::object& schema = dereferenced(properties.at(field));
        const json::value* read_only = schema.if_contains("readOnly");
        ASSERT_NE(read_only, nullptr) << field;
        EXPECT_TRUE(read_only->as_bool()) << field;
    }
}

TEST(OpenApiDocument, WritableSchemaRejectsUnknownFields) {
    for (const char* method : {"post", "put"}) {
        const json::object& schema =
            request_schema(method == std::string_view("post") ? "/apis" : "/apis/{ref}", method,
                           "application/json");
        const json::value* additional = schema.if_contains("additionalProperties");
        ASSERT_NE(additional, nullptr) << method;
        EXPECT_EQ(*additional, json::value(false)) << method;
    }
}

TEST(OpenApiDocument, WritableSchemaAdmitsReadOnlyFieldsSoTheyAreIgnored) {
    const json::object& properties =
        request_schema("/apis", "post", "application/json").at("properties").as_object();
    for (const std::string& field : kReadOnlyFields) {
        EXPECT_TRUE(properties.contains(field)) << field;
    }
}

TEST(OpenApiDocument, PatchAcceptsMergePatchAndPlainJson) {
    const json::object& content =
        dereferenced(operation("/apis/{ref}", "patch").at("requestBody")).at("content").as_object();
    EXPECT_TRUE(content.contains("application/merge-patch+json"));
    EXPECT_TRUE(content.contains("application/json"));
}

TEST(OpenApiDocument, ChangesAndDeletesTakeAnIfMatchHeader) {
    for (const char* method : {"put", "patch", "delete"}) {
        bool found = false;
        for (const json::object& parameter : parameters_of("/apis/{ref}", method)) {
            found = found || (parameter.at("in").as_string() == "header" &&
                              parameter.at("name").as_string() == "If-Match");
        }
        EXPECT_TRUE(found) << method;
    }
}

TEST(OpenApiDocument, CreateAnswersWithLocationAndETag) {
    const json::object& created =
        dereferenced(operation("/apis", "post").at("responses").at("201"));
    const json::object& headers = created.at("headers").as_object();
    EXPECT_TRUE(headers.contains("Location"));
    EXPECT_TRUE(headers.contains("ETag"));
}

TEST(OpenApiDocument, WritesMayAnswerWithReplicationPending) {
    const std::vector<ContractOperation> writes = {{"/apis", "post", "201"},
                                                   {"/apis/{ref}", "put", "200"},
                                                   {"/apis/{ref}", "patch", "200"},
                                                   {"/apis/{ref}", "delete", "204"}};
    for (const ContractOperation& write : writes) {
        const json::object& success = dereferenced(
            operation(write.path, write.method).at("responses").at(write.success_status));
        const json::value* headers = success.if_contains("headers");
        ASSERT_NE(headers, nullptr) << write.method << " " << write.path;
        EXPECT_TRUE(headers->as_object().contains("Replication"))
            << write.method << " " << write.path;
    }
}

TEST(OpenApiDocument, WritesTakeAnIdempotencyKeyAndMayAnswerReplayed) {
    const std::vector<ContractOperation> writes = {{"/apis", "post", "201"},
                                                   {"/apis/{ref}", "put", "200"},
                                                   {"/apis/{ref}", "patch", "200"},
                                                   {"/apis/{ref}", "delete", "204"}};
    for (const ContractOperation& write : writes) {
        SCOPED_TRACE(write.method + " " + write.path);
        bool found = false;
        for (const json::object& parameter : parameters_of(write.path, write.method)) {
            found = found || (parameter.at("in").as_string() == "header" &&
                              parameter.at("name").as_string() == "Idempotency-Key");
        }
        EXPECT_TRUE(found);

        const json::object& responses =
            operation(write.path, write.method).at("responses").as_object();
        const json::object& success = dereferenced(responses.at(write.success_status));
        const json::value* headers = success.if_contains("headers");
        ASSERT_NE(headers, nullptr);
        EXPECT_TRUE(headers->as_object().contains("Idempotent-Replayed"));
        // A malformed key, a key still in use, a key reused for another request.
        for (const char* status : {"400", "409", "422"}) {
            EXPECT_TRUE(responses.contains(status)) << status;
        }
    }
}

TEST(OpenApiDocument, JournalConflictsIsNotFoundWithoutADatabase) {
    for (const char* method : {"get", "head", "options"}) {
        EXPECT_TRUE(
            operation("/journal/conflicts", method).at("responses").as_object().contains("404"))
            << method;
    }
}

TEST(OpenApiDocument, ReadinessDescribesNotReadyAs503) {
    const json::object& not_ready =
        dereferenced(operation("/health/ready", "get").at("responses").at("503"));
    const json::object& schema =
        dereferenced(not_ready.at("content").at("application/json").at("schema"));
    EXPECT_TRUE(schema.at("properties").as_object().contains("reason"));
}

TEST(OpenApiDocument, ProbesAreNeverCached) {
    for (const char* path : {"/health/live", "/health/ready"}) {
        for (const auto& [status, response] : operation(path, "get").at("responses").as_object()) {
            const json::object& headers = dereferenced(response).at("headers").as_object();
            EXPECT_TRUE(headers.contains("Cache-Control")) << path << " " << std::string(status);
        }
    }
}

TEST(OpenApiDocument, ListTakesTheContractQueryParameters) {
    std::set<std::string> names;
    for (const json::object& parameter : parameters_of("/apis", "get")) {
        if (parameter.at("in").as_string() == "query")
            names.emplace(parameter.at("name").as_string());
    }
    EXPECT_EQ(names, (std::set<std::string>{"limit", "cursor", "tag", "enabled"}));
}

// Every route that needs a key says so (both ways of sending one) and documents the 401
// with its challenge, writes the 403; the probes need none.
TEST(OpenApiDocument, KeyedRoutesDescribeTheirSecurityAnd401) {
    const json::object& schemes = document().at("components").at("securitySchemes").as_object();
    EXPECT_EQ(schemes.at("bearerKey").at("scheme"), "bearer");
    EXPECT_EQ(schemes.at("apiKeyHeader").at("name"), "X-API-Key");
    const std::vector<std::pair<std::string, std::string>> keyed = {
        {"/apis", "get"},         {"/apis", "head"},         {"/apis", "post"},
        {"/apis/{ref}", "get"},   {"/apis/{ref}", "head"},   {"/apis/{ref}", "put"},
        {"/apis/{ref}", "patch"}, {"/apis/{ref}", "delete"}, {"/journal/conflicts", "get"},
        {"/openapi.json", "get"}};
    for (const auto& [path, method] : keyed) {
        const json::object& op = operation(path, method);
        ASSERT_TRUE(op.contains("security")) << path << " " << method;
        const json::object& unauthorized = dereferenced(op.at("responses").at("401"));
        EXPECT_TRUE(unauthorized.at("headers").as_object().contains("WWW-Authenticate"))
            << path << " " << method;
        const bool writes = method != "get" && method != "head";
        EXPECT_EQ(op.at("responses").as_object().contains("403"), writes) << path << " " << method;
    }
    for (const char* path : {"/health", "/health/live", "/health/ready"}) {
        EXPECT_FALSE(operation(path, "get").contains("security")) << path;
        EXPECT_FALSE(operation(path, "get").at("responses").as_object().contains("401")) << path;
    }
}

}  // namespace
