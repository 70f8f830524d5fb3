#include "cli/apis_document.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "cli/pretty_json.hpp"
#include "domain/api_json.hpp"
#include "domain/validation.hpp"

namespace gateway::cli {
namespace {

namespace json = boost::json;

std::string field_errors_text(const domain::FieldErrors& errors) {
    std::string text;
    for (const auto& error : errors) {
        if (!text.empty()) text += "; ";
        std::string where;
        for (const auto& part : error.loc) {
            if (where.empty() && part == "body") continue;
            if (!where.empty()) where += '.';
            where += part;
        }
        if (!where.empty()) text += where + ": ";
        text += error.msg;
    }
    return text;
}

// "apis[3] (billing)" when the entry has a usable name, else "apis[3]".
std::string entry_label(std::size_t index, const json::value& entry) {
    std::string label = "apis[" + std::to_string(index) + "]";
    if (const auto* object = entry.if_object()) {
        if (const auto* name = object->if_contains("name"); name && name->is_string()) {
            label += " (" + std::string(name->get_string()) + ")";
        }
    }
    return label;
}

}  // namespace

domain::Expected<ListedApi, std::string> listed_api_from(const json::object& object) {
    ListedApi api;
    const auto* id = object.if_contains("id");
    if (id == nullptr || !id->is_string() || id->get_string().empty()) {
        return domain::unexpected(std::string("an API without an id"));
    }
    api.id = std::string(id->get_string());
    const auto* revision = object.if_contains("revision");
    if (revision == nullptr || !revision->is_int64()) {
        return domain::unexpected("API " + api.id + " has no integer revision");
    }
    api.revision = revision->get_int64();
    auto spec = domain::spec_from_json(object);
    if (!spec) {
        return domain::unexpected("API " + api.id +
                                  " is not valid: " + field_errors_text(spec.error()));
    }
    api.spec = std::move(spec).value();
    api.as_listed = object;
    return api;
}

std::string export_document(std::vector<ListedApi> apis, bool with_server_fields) {
    std::sort(apis.begin(), apis.end(), [](const ListedApi& a, const ListedApi& b) {
        return domain::name_key(a.spec.name) < domain::name_key(b.spec.name);
    });
    json::array entries;
    entries.reserve(apis.size());
    for (auto& api : apis) {
        if (with_server_fields) {
            entries.emplace_back(std::move(api.as_listed));
        } else {
            entries.emplace_back(domain::spec_to_json_object(api.spec));
        }
    }
    json::object document;
    document["format_version"] = kDocumentFormatVersion;
    document["apis"] = std::move(entries);
    return pretty_json(document);
}

domain::Expected<std::vector<domain::ApiSpec>, std::vector<std::string>> read_apis_document(
    std::string_view text) {
    using Problems = std::vector<std::string>;
    boost::system::error_code ec;
    const json::value parsed = json::parse(text, ec);
    if (ec) return domain::unexpected(Problems{"not valid JSON: " + ec.message()});
    const auto* document = parsed.if_object();
    if (document == nullptr) {
        return domain::unexpected(Problems{"expected a JSON object {\"apis\": [...]}"});
    }
    Problems problems;
    for (const auto& member : *document) {
        if (member.key() != "format_version" && member.key() != "apis") {
            problems.push_back("unknown member \"" + std::string(member.key()) +
                               "\" (expected format_version and apis)");
        }
    }
    if (const auto* version = document->if_contains("format_version")) {
        if (!version->is_int64() || version->get_int64() != kDocumentFormatVersion) {
            problems.push_back("format_version " + json::serialize(*version) +
                               " is not supported (this version reads " +
                               std::to_string(kDocumentFormatVersion) + ")");
        }
    }
    const auto* entries = document->if_contains("apis");
    if (entries == nullptr || !entries->is_array()) {
        problems.push_back("\"apis\" must be an array");
        return domain::unexpected(std::move(problems));
    }

    std::vector<domain::ApiSpec> specs;
    std::map<std::string, std::size_t, std::less<>> index_by_name;
    std::map<std::string, std::size_t, std::less<>> index_by_base_path;
    const auto& array = entries->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string label = entry_label(i, array[i]);
        const auto* object = array[i].if_object();
        if (object == nullptr) {
            problems.push_back(label + ": expected an object");
            continue;
        }
        auto spec = domain::spec_from_json(*object);
        if (!spec) {
            problems.push_back(label + ": " + field_errors_text(spec.error()));
            continue;
        }
        const auto [by_name, new_name] = index_by_name.emplace(domain::name_key(spec->name), i);
        if (!new_name) {
            problems.push_back(label + ": the name is also that of apis[" +
                               std::to_string(by_name->second) +
                               "] (names are compared case-insensitively)");
        }
        const auto [by_path, new_path] = index_by_base_path.emplace(spec->base_path, i);
        if (!new_path) {
            problems.push_back(label + ": base_path " + spec->base_path + " is also that of apis[" +
                               std::to_string(by_path->second) + "]");
        }
        specs.push_back(std::move(spec).value());
    }
    if (!problems.empty()) return domain::unexpected(std::move(problems));
    return specs;
}

}  // namespace gateway::cli
