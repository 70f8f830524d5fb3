#include "api/errors.hpp"

#include "domain/api_json.hpp"

namespace gateway::api {

Response error_response(unsigned status, std::string_view detail) {
    Response response;
    response.status = status;
    response.body.reserve(detail.size() + 16);
    response.body += "{\"detail\":";
    domain::append_json_string(response.body, detail);
    response.body += '}';
    return response;
}

Response validation_error_response(const domain::FieldErrors& errors) {
    Response response;
    response.status = 422;
    std::string& out = response.body;
    out += "{\"detail\":[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i != 0) out += ',';
        out += "{\"loc\":[";
        for (std::size_t j = 0; j < errors[i].loc.size(); ++j) {
            if (j != 0) out += ',';
            domain::append_json_string(out, errors[i].loc[j]);
        }
        out += "],\"msg\":";
        domain::append_json_string(out, errors[i].msg);
        out += ",\"type\":";
        domain::append_json_string(out, errors[i].type);
        out += '}';
    }
    out += "]}";
    return response;
}

Response store_error_response(const store::StoreError& error) {
    using store::StoreErrc;
    switch (error.code) {
        case StoreErrc::not_found:
            return error_response(404, error.detail);
        case StoreErrc::conflict:
            return error_response(409, error.detail);
        case StoreErrc::precondition_failed:
            return error_response(412, error.detail);
        case StoreErrc::invalid:
            return validation_error_response(error.field_errors);
        case StoreErrc::key_reused:
            return error_response(422, error.detail);
        case StoreErrc::key_in_progress:
            return error_response(409, error.detail);
        case StoreErrc::unavailable: {
            Response response = error_response(503, error.detail);
            if (error.retry_after) {
                response.headers.emplace_back("Retry-After",
                                              std::to_string(error.retry_after->count()));
            }
            return response;
        }
    }
    return error_response(500, "Internal Server Error");
}

Response not_found_response() {
    return error_response(404, "Not Found");
}

Response method_not_allowed_response(std::string_view allow) {
    Response response = error_response(405, "Method Not Allowed");
    response.headers.emplace_back("Allow", std::string(allow));
    return response;
}

}  // namespace gateway::api
