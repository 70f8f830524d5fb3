#include "store/idempotency.hpp"

#include "domain/api_json.hpp"
#include "store/repository.hpp"

namespace gateway::store {

RecordedOutcome record_of(WriteRequest::Kind kind, const domain::Api& api) {
    if (kind == WriteRequest::Kind::remove) return RecordedOutcome{204, {}, 0, {}};
    return RecordedOutcome{kind == WriteRequest::Kind::create ? 201U : 200U, api.id, api.revision,
                           domain::api_to_json(api)};
}

boost::asio::awaitable<StoreResult<RecordedOutcome>> perform(Repository& repository,
                                                             WriteRequest request) {
    using Kind = WriteRequest::Kind;
    StoreResult<domain::ApiPtr> written = domain::unexpected(key_in_progress_error());
    switch (request.kind) {
        case Kind::create:
            written =
                co_await repository.create(std::move(request.spec), std::move(request.origin));
            break;
        case Kind::replace:
            written = co_await repository.replace(std::move(request.ref), std::move(request.spec),
                                                  std::move(request.precondition),
                                                  std::move(request.origin));
            break;
        case Kind::patch:
            written = co_await repository.patch(
                std::move(request.ref), std::move(request.merge_patch),
                std::move(request.precondition), std::move(request.origin));
            break;
        case Kind::remove: {
            auto removed = co_await repository.remove(
                std::move(request.ref), std::move(request.precondition), std::move(request.origin));
            if (!removed) co_return domain::unexpected(std::move(removed).error());
            co_return RecordedOutcome{204, {}, 0, {}};
        }
    }
    if (!written) co_return domain::unexpected(std::move(written).error());
    co_return record_of(request.kind, **written);
}

StoreError key_reused_error() {
    return StoreError{StoreErrc::key_reused,
                      "Idempotency-Key was already used for a different request"};
}

StoreError key_in_progress_error() {
    return StoreError{StoreErrc::key_in_progress,
                      "A request with this Idempotency-Key is still being processed; try again "
                      "later"};
}

}  // namespace gateway::store
