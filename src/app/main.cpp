// gateway-api: the Gateway Management API server and its command line.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "app/database_startup.hpp"
#include "app/logging.hpp"
#include "app/serve.hpp"
#include "auth/api_key.hpp"
#include "cli/export_command.hpp"
#include "cli/import_command.hpp"
#include "config/database_sources.hpp"
#include "config/settings.hpp"

namespace {

constexpr std::string_view usage = R"(Usage: gateway-api [COMMAND] [OPTIONS]

The Gateway Management API: register, change and remove the APIs a gateway publishes.

Commands:
  serve        Run the HTTP server (the default).
  migrate      Apply the schema migrations to the configured database, then exit.
  check-db     Print the database connection info and health as JSON; exit 0 when
               the primary database is healthy, 1 otherwise.
  hash-key NAME SCOPE
               Make a new API key with the scope admin or read: print the key once
               (on stderr) and the line for API_KEYS_FILE (on stdout), which holds
               only a salted hash of it.
  export       Print every API of a running instance as one JSON document
               (gateway-api export --help).
  import FILE  Make a running instance hold the APIs of an exported document: create,
               update, and with --prune delete (gateway-api import --help).
  --help, -h   Show this help and exit.
  --version    Show the version and exit.

Configuration comes from the environment (see the README), for example:
  HOST=127.0.0.1 PORT=8000 WORKERS=2 LOG_LEVEL=info LOG_FORMAT=text gateway-api
)";

enum class Command { serve, migrate, check_db };

int run(Command command) {
    gateway::config::Settings settings;
    std::vector<gateway::config::DatabaseSource> sources;
    auto env = gateway::config::current_environment();
    try {
        settings = gateway::config::parse_settings(env);
        sources = gateway::config::configured_database_sources(env);
    } catch (const gateway::config::ConfigError& error) {
        std::fprintf(stderr, "gateway-api: configuration error: %s\n", error.what());
        return 2;
    }
    using gateway::app::LogStream;
    switch (command) {
        case Command::serve:
            gateway::app::configure_logging(settings.log);
            return gateway::app::serve(settings, std::move(sources), std::move(env));
        case Command::migrate:
            gateway::app::configure_logging(settings.log, LogStream::standard_error);
            return gateway::app::run_migrate(settings, std::move(sources), std::move(env));
        case Command::check_db:
            gateway::app::configure_logging(settings.log, LogStream::standard_error);
            return gateway::app::run_check_db(settings, std::move(sources), std::move(env));
    }
    return 2;
}

// The key goes to stderr and the line to stdout, so `gateway-api hash-key ci admin >>
// keys` appends the line alone and the key never lands in the file.
int hash_key(std::string_view name, std::string_view scope_text) {
    const auto scope = gateway::auth::parse_scope(scope_text);
    if (!scope) {
        std::fprintf(stderr, "gateway-api: hash-key: the scope is admin or read\n");
        return 2;
    }
    if (!gateway::auth::is_key_name(name)) {
        std::fprintf(stderr,
                     "gateway-api: hash-key: a key name is 1 to 64 characters of A-Z a-z 0-9 "
                     ". _ -, starting with a letter or a digit\n");
        return 2;
    }
    try {
        const auto made = gateway::auth::make_key(name, *scope);
        std::fprintf(stderr,
                     "New API key '%.*s' (scope %.*s). Give it to its client now: it is shown "
                     "only this once, and the key file keeps only a salted hash of it:\n%s\n",
                     static_cast<int>(name.size()), name.data(),
                     static_cast<int>(scope_text.size()), scope_text.data(), made.key.c_str());
        std::printf("%s\n", made.line.c_str());
    } catch (const std::exception& error) {
        std::fprintf(stderr, "gateway-api: hash-key: %s\n", error.what());
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view command = argc > 1 ? argv[1] : "serve";
    if (command == "hash-key") {
        if (argc != 4) {
            std::fprintf(stderr, "gateway-api: hash-key needs NAME and SCOPE\n\n%.*s",
                         static_cast<int>(usage.size()), usage.data());
            return 2;
        }
        return hash_key(argv[2], argv[3]);
    }
    // The client commands parse options of their own and read no server settings.
    if (command == "export" || command == "import") {
        const std::vector<std::string> args(argv + 2, argv + argc);
        const auto env = gateway::config::current_environment();
        if (command == "export") return gateway::cli::run_export(args, env, std::cout, std::cerr);
        return gateway::cli::run_import(args, env, std::cin, std::cout, std::cerr);
    }
    if (argc > 2) {
        std::fprintf(stderr, "gateway-api: unexpected argument '%s'\n\n%.*s", argv[2],
                     static_cast<int>(usage.size()), usage.data());
        return 2;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        std::fwrite(usage.data(), 1, usage.size(), stdout);
        return 0;
    }
    if (command == "--version" || command == "-V" || command == "version") {
        std::printf("gateway-api %s\n", GATEWAY_VERSION);
        return 0;
    }
    if (command == "serve") return run(Command::serve);
    if (command == "migrate") return run(Command::migrate);
    if (command == "check-db") return run(Command::check_db);
    std::fprintf(stderr, "gateway-api: unknown command '%.*s'\n\n%.*s",
                 static_cast<int>(command.size()), command.data(), static_cast<int>(usage.size()),
                 usage.data());
    return 2;
}
