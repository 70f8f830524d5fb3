#include "db/conninfo_source.hpp"

namespace gateway::db {

bool is_credentials_refusal(const DbError& error) {
    return error.code == DbErrc::connect_failed &&
           (error.sqlstate == "28P01" || error.sqlstate == "28000");
}

}  // namespace gateway::db
