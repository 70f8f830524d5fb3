#include "aws/credential_chain.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <vector>

#include "aws/credential_provider.hpp"
#include "aws/credential_redaction.hpp"
#include "aws/expiration_time.hpp"

namespace gateway::aws {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

void log_resolved(const Credentials& credentials, bool refreshed) {
    const std::string expiry =
        credentials.expiration ? ", expiring " + format_iso8601(*credentials.expiration) : "";
    spdlog::info("AWS credentials {} from {} (access key {}{})",
                 refreshed ? "refreshed" : "obtained", credentials.provider,
                 key_id_hint(credentials.access_key_id), expiry);
}

}  // namespace

struct CredentialChain::State {
    State(config::EnvMap environment, CredentialChainOptions chain_options)
        : env(std::move(environment)), options(std::move(chain_options)) {
        // The SDKs' order: what the operator set explicitly before what the platform offers.
        providers.push_back(make_environment_provider(env, options));
        providers.push_back(make_shared_files_provider(env));
        providers.push_back(make_web_identity_provider(env, options));
        providers.push_back(make_container_provider(env, options));
        providers.push_back(make_instance_metadata_provider(env, options));
    }

    // Cached credentials a caller may have without waiting: fresh ones, or ones still
    // valid while another thread refreshes them or a failed refresh waits to be retried.
    std::optional<Credentials> cached_for(TimePoint now) const {
        if (!cached) return std::nullopt;
        if (!cached->expiration || now < *cached->expiration - options.refresh_window) {
            return cached;
        }
        if (now < *cached->expiration && (refreshing || now < next_refresh_attempt)) {
            return cached;
        }
        return std::nullopt;
    }

    domain::Expected<Credentials, CredentialsError> refresh_or_resolve(
        const std::optional<Credentials>& previous, CredentialProvider* previous_source);
    // A provider's answer from moments ago, used instead of asking it again.
    struct KnownFailure {
        CredentialProvider* provider;
        ProviderFailure failure;
    };
    domain::Expected<Credentials, CredentialsError> resolve_chain(
        std::optional<KnownFailure> known);
    void store(const Credentials& credentials, CredentialProvider* provider, bool refreshed);

    const config::EnvMap env;
    const CredentialChainOptions options;
    std::vector<std::unique_ptr<CredentialProvider>> providers;

    // One resolution at a time, held across network calls; providers rely on it.
    std::mutex resolve_mutex;
    // Guards everything below; never held across a network call.
    std::mutex cache_mutex;
    std::optional<Credentials> cached;
    CredentialProvider* source = nullptr;  // the provider that yielded `cached`
    bool refreshing = false;
    TimePoint next_refresh_attempt{};
    // Callers that queued behind a resolution which failed take its error rather than
    // each waiting out the same timeouts again.
    std::uint64_t completed_resolutions = 0;
    std::optional<CredentialsError> last_error;
};

void CredentialChain::State::store(const Credentials& credentials, CredentialProvider* provider,
                                   bool refreshed) {
    std::lock_guard lock(cache_mutex);
    // A source that hands out the same credentials again (variables with an expiry) is
    // not news worth a log line on every call near the end of their life.
    const bool unchanged = cached && cached->access_key_id == credentials.access_key_id &&
                           cached->expiration == credentials.expiration;
    if (!unchanged) log_resolved(credentials, refreshed);
    cached = credentials;
    source = provider;
    next_refresh_attempt = {};
    last_error.reset();
}

domain::Expected<Credentials, CredentialsError> CredentialChain::State::refresh_or_resolve(
    const std::optional<Credentials>& previous, CredentialProvider* previous_source) {
    if (previous && previous_source != nullptr) {
        // Temporary credentials near expiry: ask the provider that gave them, as the
        // SDKs do, rather than walk the whole chain again.
        auto renewed = previous_source->resolve();
        const TimePoint now = options.clock();
        if (renewed && (!renewed->expiration || now < *renewed->expiration)) {
            store(*renewed, previous_source, true);
            return std::move(*renewed);
        }
        ProviderFailure failure =
            renewed ? ProviderFailure{"the new credentials have already expired", true}
                    : std::move(renewed.error());
        const std::string& reason = failure.reason;
        if (now < *previous->expiration) {
            std::lock_guard lock(cache_mutex);
            next_refresh_attempt = now + options.retry_after_failed_refresh;
            spdlog::warn(
                "AWS credentials from {}: refresh failed ({}); keeping the current ones "
                "(access key {}) until {}",
                previous->provider, reason, key_id_hint(previous->access_key_id),
                format_iso8601(*previous->expiration));
            return *previous;
        }
        spdlog::warn(
            "AWS credentials from {} expired and could not be refreshed ({}); trying "
            "every source again",
            previous->provider, reason);
        {
            std::lock_guard lock(cache_mutex);
            cached.reset();
            source = nullptr;
        }
        // That provider has just answered; asking it again would double every timeout.
        return resolve_chain(KnownFailure{previous_source, std::move(failure)});
    }
    return resolve_chain(std::nullopt);
}

domain::Expected<Credentials, CredentialsError> CredentialChain::State::resolve_chain(
    std::optional<KnownFailure> known) {
    std::string reasons;
    for (std::size_t i = 0; i < providers.size(); ++i) {
        CredentialProvider& provider = *providers[i];
        const bool already_failed = known && known->provider == &provider;
        auto result = already_failed ? ProviderResult(domain::unexpected(known->failure))
                                     : provider.resolve();
        ProviderFailure failure;
        if (result) {
            if (!result->expiration || options.clock() < *result->expiration) {
                store(*result, result->expiration ? &provider : nullptr, false);
                return std::move(*result);
            }
            failure = {"the credentials expired at " + format_iso8601(*result->expiration), true};
        } else {
            failure = std::move(result.error());
        }
        if (!reasons.empty()) reasons += "; ";
        reasons += std::string(provider.name()) + ": " + failure.reason;
        // A provider that was set up but failed ends the search (see ProviderFailure).
        if (failure.configured && i + 1 < providers.size()) {
            reasons += "; not tried:";
            for (std::size_t j = i + 1; j < providers.size(); ++j) {
                reasons += (j == i + 1 ? " " : ", ") + std::string(providers[j]->name());
            }
            break;
        }
    }
    return domain::unexpected(CredentialsError{std::move(reasons)});
}

CredentialChain::CredentialChain(config::EnvMap env)
    : CredentialChain(std::move(env), CredentialChainOptions{}) {}

CredentialChain::CredentialChain(config::EnvMap env, CredentialChainOptions options)
    : state_(std::make_unique<State>(std::move(env), std::move(options))) {}

CredentialChain::~CredentialChain() = default;

domain::Expected<Credentials, CredentialsError> CredentialChain::get() {
    State& state = *state_;
    std::uint64_t resolutions_seen = 0;
    {
        std::lock_guard lock(state.cache_mutex);
        if (auto hit = state.cached_for(state.options.clock())) return std::move(*hit);
        resolutions_seen = state.completed_resolutions;
    }

    std::lock_guard resolving(state.resolve_mutex);
    std::optional<Credentials> previous;
    CredentialProvider* previous_source = nullptr;
    {
        std::lock_guard lock(state.cache_mutex);
        // Whoever held the lock before may have done the work already.
        if (auto hit = state.cached_for(state.options.clock())) return std::move(*hit);
        if (state.completed_resolutions != resolutions_seen && state.last_error) {
            return domain::unexpected(*state.last_error);
        }
        state.refreshing = true;
        previous = state.cached;
        previous_source = state.source;
    }

    // Clears the flag however the resolution ends, so that a throw (out of memory) cannot
    // leave every later caller believing a refresh is under way.
    struct RefreshingFlag {
        State& state;
        ~RefreshingFlag() {
            std::lock_guard lock(state.cache_mutex);
            state.refreshing = false;
            ++state.completed_resolutions;
        }
    } flag{state};

    auto result = state.refresh_or_resolve(previous, previous_source);
    if (!result) {
        std::lock_guard lock(state.cache_mutex);
        state.last_error = result.error();
    }
    return result;
}

}  // namespace gateway::aws
