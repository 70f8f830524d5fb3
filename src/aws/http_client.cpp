#include "aws/http_client.hpp"

#include "domain/ascii_space.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace gateway::aws {
namespace {

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// libcurl's global set-up must happen once before the first handle; its own lazy
// initialisation inside curl_easy_init is not safe when two threads race into it.
void ensure_curl_initialised() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// Called once per header line, status lines included; a redirect or a 100 Continue
// starts a new set, so a status line clears what came before.
std::size_t append_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& headers = *static_cast<HttpHeaders*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        headers.clear();
        return size * count;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * count;
    std::string name(domain::trim_ascii_space(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    headers.emplace_back(std::move(name),
                         std::string(domain::trim_ascii_space(line.substr(colon + 1))));
    return size * count;
}

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_case_name) return value;
    }
    return std::nullopt;
}

domain::Expected<HttpResponse, HttpError> perform(const HttpRequest& request) {
    ensure_curl_initialised();
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) return domain::unexpected(HttpError{"could not create an HTTP client handle"});
    CURL* handle = easy.get();

    std::unique_ptr<curl_slist, SlistDeleter> header_list;
    for (const auto& [name, value] : request.headers) {
        std::string line = name;
        line.append(": ").append(value);
        curl_slist* extended = curl_slist_append(header_list.get(), line.c_str());
        if (extended == nullptr) return domain::unexpected(HttpError{"out of memory"});
        (void)header_list.release();
        header_list.reset(extended);
    }
    // libcurl would otherwise add "Expect: 100-continue" to larger bodies and wait for it.
    {
        curl_slist* extended = curl_slist_append(header_list.get(), "Expect:");
        if (extended == nullptr) return domain::unexpected(HttpError{"out of memory"});
        (void)header_list.release();
        header_list.reset(extended);
    }

    HttpResponse response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
    // Signals would interrupt the server's threads; timeouts work without them.
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    if (request.ca_bundle) curl_easy_setopt(handle, CURLOPT_CAINFO, request.ca_bundle->c_str());
    // The environment's proxy variables are not consulted: metadata endpoints must be
    // reached directly, and the AWS SDKs' own proxy rules are not implemented.
    curl_easy_setopt(handle, CURLOPT_PROXY, "");
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, append_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

    const CURLcode code = curl_easy_perform(handle);
    if (code != CURLE_OK) {
        HttpError error;
        error.message = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
        error.timed_out = code == CURLE_OPERATION_TIMEDOUT;
        return domain::unexpected(std::move(error));
    }
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace gateway::aws
