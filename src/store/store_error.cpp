#include "store/store_error.hpp"

namespace gateway::store {

std::string not_found_detail(std::string_view ref) {
    return "API '" + std::string(ref) + "' not found";
}

std::string name_taken_detail(std::string_view name) {
    return "An API named '" + std::string(name) + "' already exists";
}

std::string base_path_taken_detail(std::string_view base_path) {
    return "An API with base_path '" + std::string(base_path) + "' already exists";
}

std::string precondition_failed_detail(std::int64_t current_revision) {
    return "Precondition failed: the API is at revision " + std::to_string(current_revision);
}

}  // namespace gateway::store
