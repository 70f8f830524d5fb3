#include "app/journal_report.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/api_json.hpp"
#include "domain/timestamps.hpp"

namespace gateway::app {

std::string journal_conflicts_json(const local::Journal& journal) {
    boost::json::array conflicts;
    for (const auto& entry : journal.conflicts()) {
        boost::json::object item{
            {"seq", entry.seq},
            {"entry_id", entry.entry_id},
            {"operation", domain::journal_op_name(entry.op)},
            {"api_id", entry.api_id},
            {"base_revision", entry.base_revision ? boost::json::value(*entry.base_revision)
                                                  : boost::json::value(nullptr)},
            {"accepted_at", domain::format_timestamp(entry.accepted_at)},
            {"reason", entry.conflict},
        };
        // What the change would have made the API: the representation a GET shows.
        item["api"] = entry.result ? boost::json::parse(domain::api_to_json(*entry.result))
                                   : boost::json::value(nullptr);
        conflicts.push_back(std::move(item));
    }
    return boost::json::serialize(
        boost::json::object{{"conflicts", std::move(conflicts)}, {"pending", journal.depth()}});
}

}  // namespace gateway::app
