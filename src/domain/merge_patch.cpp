#include "domain/merge_patch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace gateway::domain {

void apply_merge_patch(boost::json::value& target, const boost::json::value& patch) {
    const boost::json::object* patch_object = patch.if_object();
    if (patch_object == nullptr) {
        target = patch;
        return;
    }
    if (!target.is_object()) target.emplace_object();
    boost::json::object& target_object = target.get_object();
    for (const auto& member : *patch_object) {
        if (member.value().is_null()) {
            target_object.erase(member.key());
            continue;
        }
        // A member the target lacks starts as null, which merges like any non-object:
        // an object patch value then becomes an object with its null members dropped.
        apply_merge_patch(target_object[member.key()], member.value());
    }
}

}  // namespace gateway::domain
