#include "support/pg_scratch_role.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <exception>
#include <iostream>

#include "domain/ids.hpp"
#include "support/pg_admin_session.hpp"

namespace gateway::test {

namespace {

// A valid unquoted identifier that no other test (or earlier run) uses.
std::string unique_role_name() {
    std::string suffix = domain::new_api_id();
    std::erase(suffix, '-');
    return "gw_scratch_" + suffix;
}

}  // namespace

std::string url_encode(std::string_view text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

ScratchRole::ScratchRole(const PgTestEnv& cluster, std::string password)
    : cluster_(cluster), name_(unique_role_name()), password_(std::move(password)) {
    auto admin = PgAdminSession::superuser(cluster_);
    admin.exec("CREATE ROLE " + name_ + " LOGIN PASSWORD " + sql_literal(password_));
    admin.exec("CREATE SCHEMA " + name_ + " AUTHORIZATION " + name_);
    admin.exec("ALTER ROLE " + name_ + " SET search_path = " + name_);
}

ScratchRole::~ScratchRole() {
    // A destructor must not throw; a leftover role only costs a little space in a
    // cluster that is thrown away after the run.
    try {
        auto admin = PgAdminSession::superuser(cluster_);
        admin.terminate_backends_of(name_);
        admin.exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
        admin.exec("DROP ROLE IF EXISTS " + name_);
    } catch (const std::exception& error) {
        std::cerr << "could not drop test role " << name_ << ": " << error.what() << '\n';
    }
}

std::string ScratchRole::database_url(std::string_view query) const {
    return database_url_with_password(password_, query);
}

std::string ScratchRole::database_url_with_password(std::string_view password,
                                                    std::string_view query) const {
    std::string url = "postgresql://" + url_encode(name_) + ":" + url_encode(password) + "@" +
                      cluster_.host + ":" + cluster_.port + "/" + url_encode(cluster_.database);
    if (!query.empty()) url += "?" + std::string(query);
    return url;
}

Environment ScratchRole::aws_db_environment() const {
    return {{"AWS_DB_HOST", cluster_.host},
            {"AWS_DB_PORT", cluster_.port},
            {"AWS_DB_NAME", cluster_.database},
            {"AWS_DB_USER", name_},
            {"AWS_DB_PASSWORD", password_}};
}

void ScratchRole::allow_login(bool allowed) {
    auto admin = PgAdminSession::superuser(cluster_);
    admin.exec("ALTER ROLE " + name_ + (allowed ? " LOGIN" : " NOLOGIN"));
    if (!allowed) admin.terminate_backends_of(name_);
}

int ScratchRole::terminate_sessions() {
    return PgAdminSession::superuser(cluster_).terminate_backends_of(name_);
}

}  // namespace gateway::test
