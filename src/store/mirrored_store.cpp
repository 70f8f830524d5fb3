#include "store/mirrored_store.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

#include "domain/api_json.hpp"
#include "domain/timestamps.hpp"

namespace gateway::store {

namespace asio = boost::asio;

namespace {

StoreError no_primary() {
    return StoreError{StoreErrc::unavailable,
                      "Database unavailable: no primary database is reachable; the change was "
                      "not applied",
                      {},
                      std::chrono::seconds(1)};
}

StoreError not_stored_locally() {
    // The change is in the mirror and queued for the disk, which keeps being retried:
    // whether it survives a restart is not known.
    return StoreError{StoreErrc::unavailable,
                      "Local storage unavailable: the change was accepted but could not be "
                      "written to the data directory yet, so whether it will be kept is "
                      "unknown; read the API before trying again",
                      {},
                      std::chrono::seconds(1)};
}

}  // namespace

MirroredStore::MirroredStore(MemoryStore& mirror, std::shared_ptr<db::CircuitBreaker> breaker,
                             CurrentPrimary current_primary, config::DatabaseSettings settings,
                             Start start, WriteJournal& journal, bool journal_writes)
    : mirror_(mirror),
      breaker_(std::move(breaker)),
      current_primary_(std::move(current_primary)),
      settings_(settings),
      started_on_fallback_(start == Start::on_fallback),
      journal_(journal),
      journal_writes_(journal_writes) {
    // Writes journaled before a restart answer their retries as they did then.
    const auto now = domain::now_millis();
    for (const auto& entry : journal_.keyed_entries()) {
        RecordedOutcome outcome{domain::journal_answer_status(entry.op), {}, 0, {}};
        if (entry.result) {
            outcome.api_id = entry.result->id;
            outcome.revision = entry.result->revision;
            outcome.body = domain::api_to_json(*entry.result);
        }
        local_keys_.restore(
            {entry.idempotency->key, entry.idempotency->fingerprint}, std::move(outcome),
            std::chrono::milliseconds(std::max<domain::Millis>(0, now - entry.accepted_at)));
    }
}

std::shared_ptr<const MirroredStore::Writer> MirroredStore::writer() const {
    if (!adopted()) return nullptr;
    auto primary = current_primary_();
    if (!primary) return nullptr;
    std::lock_guard lock(writer_mutex_);
    if (!writer_ || writer_->primary != primary) {
        if (writer_) breaker_->record_success();
        writer_ = std::make_shared<const Writer>(
            Writer{primary, std::make_shared<PgStore>(primary->pool, settings_, breaker_),
                   ChangeNotifier::create(primary->pool)});
    }
    return writer_;
}

std::optional<StoreError> MirroredStore::primary_unavailable(const Writer* target) const {
    if (target == nullptr) return no_primary();
    if (const auto wait = breaker_->refusal()) {
        const auto reason = breaker_->state().reason;
        return StoreError{StoreErrc::unavailable,
                          "Database unavailable: the primary database cannot be reached" +
                              (reason.empty() ? std::string() : " (" + reason + ")") +
                              "; the change was not applied",
                          {},
                          *wait};
    }
    // Writes accepted earlier still wait to be replayed: this one goes after them.
    if (journal_.depth() > 0) return no_primary();
    return std::nullopt;
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::journaled(
    domain::AuditAction action, std::string_view ref, StoreError why, MirrorChange change,
    const IdempotencyKey* key, const domain::ChangeOrigin& origin) {
    if (!journal_writes_) co_return domain::unexpected(std::move(why));
    const domain::JournalOp op = action == domain::AuditAction::create ? domain::JournalOp::create
                                 : action == domain::AuditAction::remove
                                     ? domain::JournalOp::remove
                                     : domain::JournalOp::update;
    std::uint64_t ticket = 0;
    StoreResult<domain::ApiPtr> result = domain::unexpected(no_primary());
    {
        std::lock_guard order(journal_.order());
        // Writing what is already there changes nothing, and nothing is journaled.
        const auto before = ref.empty()
                                ? StoreResult<domain::ApiPtr>(domain::unexpected(no_primary()))
                                : mirror_.find_now(ref);
        result = change();
        if (!result) co_return result;
        const domain::Api& api = **result;
        if (op == domain::JournalOp::update && before && (*before)->id == api.id &&
            (*before)->revision == api.revision) {
            co_return result;
        }
        domain::JournalEntry entry;
        entry.op = op;
        entry.api_id = api.id;
        entry.accepted_at = domain::now_millis();
        if (op != domain::JournalOp::create) {
            // The mirror made the change on the revision before the one it gave (a
            // remove answers with the record it removed).
            entry.base_revision = op == domain::JournalOp::remove ? api.revision : api.revision - 1;
        }
        if (op != domain::JournalOp::remove) entry.result = api;
        if (key != nullptr) entry.idempotency = domain::JournalKey{key->key, key->fingerprint};
        const domain::Api* previous = op == domain::JournalOp::remove             ? &api
                                      : op == domain::JournalOp::update && before ? before->get()
                                                                                  : nullptr;
        const domain::Api* next = op == domain::JournalOp::remove ? nullptr : &api;
        entry.audit = domain::audit_record_of(action, previous, next, entry.accepted_at, origin);
        ticket = journal_.append(std::move(entry));
    }
    if (!co_await journal_.written(ticket)) co_return domain::unexpected(not_stored_locally());
    co_return result;
}

// --- reads: always the mirror

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::find(std::string ref) {
    co_return mirror_.find_now(ref);
}

asio::awaitable<StoreResult<ApiPage>> MirroredStore::list(ListQuery query) {
    co_return mirror_.list_now(query);
}

// --- writes: the primary, then the mirror; or the journal

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::create(domain::ApiSpec spec,
                                                                   domain::ChangeOrigin origin) {
    co_return co_await create_keyed(std::move(spec), std::move(origin), nullptr);
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::replace(
    std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
    domain::ChangeOrigin origin) {
    co_return co_await replace_keyed(std::move(ref), std::move(spec), std::move(precondition),
                                     std::move(origin), nullptr);
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::patch(std::string ref,
                                                                  boost::json::object merge_patch,
                                                                  domain::Precondition precondition,
                                                                  domain::ChangeOrigin origin) {
    co_return co_await patch_keyed(std::move(ref), std::move(merge_patch), std::move(precondition),
                                   std::move(origin), nullptr);
}

asio::awaitable<StoreResult<Done>> MirroredStore::remove(std::string ref,
                                                         domain::Precondition precondition,
                                                         domain::ChangeOrigin origin) {
    auto removed =
        co_await remove_keyed(std::move(ref), std::move(precondition), std::move(origin), nullptr);
    if (!removed) co_return domain::unexpected(std::move(removed).error());
    co_return Done{};
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::create_keyed(
    domain::ApiSpec spec, domain::ChangeOrigin origin, const IdempotencyKey* key) {
    const auto target = writer();
    if (auto why = primary_unavailable(target.get())) {
        MirrorChange change = [&] { return mirror_.create_now(std::move(spec), origin); };
        co_return co_await journaled(domain::AuditAction::create, {}, std::move(*why),
                                     std::move(change), key, origin);
    }
    auto created = co_await target->store->create(spec, origin);
    if (!created && created.error().unreached && journal_writes_) {
        MirrorChange change = [&] { return mirror_.create_now(std::move(spec), origin); };
        co_return co_await journaled(domain::AuditAction::create, {}, std::move(created).error(),
                                     std::move(change), key, origin);
    }
    if (created) {
        mirror_.apply_current(**created);
        target->notifier->changed(co_await asio::this_coro::executor);
    }
    co_return created;
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::replace_keyed(
    std::string ref, domain::ApiSpec spec, domain::Precondition precondition,
    domain::ChangeOrigin origin, const IdempotencyKey* key) {
    const auto target = writer();
    if (auto why = primary_unavailable(target.get())) {
        MirrorChange change = [&] {
            return mirror_.replace_now(ref, std::move(spec), precondition, origin);
        };
        co_return co_await journaled(domain::AuditAction::replace, ref, std::move(*why),
                                     std::move(change), key, origin);
    }
    auto replaced = co_await target->store->replace(ref, spec, precondition, origin);
    if (!replaced && replaced.error().unreached && journal_writes_) {
        MirrorChange change = [&] {
            return mirror_.replace_now(ref, std::move(spec), precondition, origin);
        };
        co_return co_await journaled(domain::AuditAction::replace, ref, std::move(replaced).error(),
                                     std::move(change), key, origin);
    }
    if (replaced && mirror_.apply_current(**replaced)) {
        target->notifier->changed(co_await asio::this_coro::executor);
    }
    co_return replaced;
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::patch_keyed(
    std::string ref, boost::json::object merge_patch, domain::Precondition precondition,
    domain::ChangeOrigin origin, const IdempotencyKey* key) {
    const auto target = writer();
    if (auto why = primary_unavailable(target.get())) {
        MirrorChange change = [&] {
            return mirror_.patch_now(ref, merge_patch, precondition, origin);
        };
        co_return co_await journaled(domain::AuditAction::patch, ref, std::move(*why),
                                     std::move(change), key, origin);
    }
    auto patched = co_await target->store->patch(ref, merge_patch, precondition, origin);
    if (!patched && patched.error().unreached && journal_writes_) {
        MirrorChange change = [&] {
            return mirror_.patch_now(ref, merge_patch, precondition, origin);
        };
        co_return co_await journaled(domain::AuditAction::patch, ref, std::move(patched).error(),
                                     std::move(change), key, origin);
    }
    if (patched && mirror_.apply_current(**patched)) {
        target->notifier->changed(co_await asio::this_coro::executor);
    }
    co_return patched;
}

asio::awaitable<StoreResult<domain::ApiPtr>> MirroredStore::remove_keyed(
    std::string ref, domain::Precondition precondition, domain::ChangeOrigin origin,
    const IdempotencyKey* key) {
    const auto target = writer();
    if (auto why = primary_unavailable(target.get())) {
        MirrorChange change = [&] {
            return mirror_.remove_returning_now(ref, precondition, origin);
        };
        co_return co_await journaled(domain::AuditAction::remove, ref, std::move(*why),
                                     std::move(change), key, origin);
    }
    auto removed = co_await target->store->remove_returning_id(ref, precondition, origin);
    if (!removed && removed.error().unreached && journal_writes_) {
        MirrorChange change = [&] {
            return mirror_.remove_returning_now(ref, precondition, origin);
        };
        co_return co_await journaled(domain::AuditAction::remove, ref, std::move(removed).error(),
                                     std::move(change), key, origin);
    }
    if (!removed) co_return domain::unexpected(std::move(removed).error());
    // What a delete answers with is only that it happened: the id is enough here.
    mirror_.apply_removed(*removed);
    target->notifier->changed(co_await asio::this_coro::executor);
    auto gone = std::make_shared<domain::Api>();
    gone->id = std::move(removed).value();
    co_return domain::ApiPtr(std::move(gone));
}

asio::awaitable<StoreResult<RecordedOutcome>> MirroredStore::perform_keyed(
    WriteRequest request, const IdempotencyKey& key) {
    using Kind = WriteRequest::Kind;
    StoreResult<domain::ApiPtr> written = domain::unexpected(key_in_progress_error());
    switch (request.kind) {
        case Kind::create:
            written =
                co_await create_keyed(std::move(request.spec), std::move(request.origin), &key);
            break;
        case Kind::replace:
            written = co_await replace_keyed(std::move(request.ref), std::move(request.spec),
                                             std::move(request.precondition),
                                             std::move(request.origin), &key);
            break;
        case Kind::patch:
            written = co_await patch_keyed(std::move(request.ref), std::move(request.merge_patch),
                                           std::move(request.precondition),
                                           std::move(request.origin), &key);
            break;
        case Kind::remove:
            written = co_await remove_keyed(std::move(request.ref), std::move(request.precondition),
                                            std::move(request.origin), &key);
            break;
    }
    if (!written) co_return domain::unexpected(std::move(written).error());
    co_return record_of(request.kind, **written);
}

asio::awaitable<StoreResult<AuditPage>> MirroredStore::audit(AuditQuery query) {
    const auto target = writer();
    if (target == nullptr || breaker_->refusal()) {
        co_return store_error(StoreErrc::unavailable,
                              "Database unavailable: the audit trail is kept in the primary "
                              "database, which cannot be reached now; changes accepted "
                              "meanwhile are recorded once they are replayed");
    }
    co_return co_await target->store->audit(std::move(query));
}

asio::awaitable<StoreResult<KeyedOutcome>> MirroredStore::write_once(IdempotencyKey key,
                                                                     WriteRequest request) {
    // A key taken by a journaled write is held by this instance only (the replay does not
    // carry it to PostgreSQL), so it is asked first.
    if (const auto held = local_keys_.lookup(key)) co_return IdempotencyTable::answer(*held);
    const auto target = writer();
    if (!primary_unavailable(target.get())) {
        auto written = co_await target->store->keyed_write(key, request);
        if (written) {
            if (!written->keyed.replayed) {
                const bool changed = written->api ? mirror_.apply_current(*written->api)
                                                  : mirror_.apply_removed(written->removed_id);
                if (changed) target->notifier->changed(co_await asio::this_coro::executor);
            }
            co_return std::move(written->keyed);
        }
        if (!written.error().unreached || !journal_writes_) {
            co_return domain::unexpected(std::move(written).error());
        }
    }
    // Journaled (or refused): the key goes into the journal with the write.
    IdempotencyTable::Run run = [this, &request, &key] {
        return perform_keyed(std::move(request), key);
    };
    co_return co_await local_keys_.run_once(key, std::move(run));  // `run` holds `key`
}

}  // namespace gateway::store
