#include "support/private_data_dir.hpp"

#include "config/database_sources.hpp"

namespace gateway::test {

namespace {

bool configures_database(const Environment& env) {
    try {
        return !config::configured_database_sources(config::EnvMap(env.begin(), env.end())).empty();
    } catch (const std::exception&) {
        return true;  // a malformed source: the server may still get as far as DATA_DIR
    }
}

}  // namespace

std::unique_ptr<TemporaryDirectory> add_private_data_dir(Environment& env) {
    if (env.contains("DATA_DIR") || !configures_database(env)) return nullptr;
    auto directory = std::make_unique<TemporaryDirectory>();
    env["DATA_DIR"] = (directory->path() / "data").string();
    return directory;
}

}  // namespace gateway::test
