// The listener's TLS context: built from TLS_CERT_FILE, TLS_KEY_FILE and, for mutual TLS,
// TLS_CLIENT_CA_FILE; rebuilt on SIGHUP so that a renewed certificate is served without a
// restart. A connection keeps the context it was accepted with until it closes.
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "config/settings.hpp"

namespace gateway::http {

// A file that could not be used. what() names the setting and OpenSSL's reason; it never
// holds key material.
class TlsSetupError : public std::runtime_error {
  public:
    TlsSetupError(std::string variable, const std::string& reason)
        : std::runtime_error(variable + ": " + reason), variable_(std::move(variable)) {}
    const std::string& variable() const { return variable_; }

  private:
    std::string variable_;
};

class TlsCredentials {
  public:
    // Reads the files; throws TlsSetupError when one cannot be used.
    explicit TlsCredentials(config::TlsSettings settings);

    // The context new connections are accepted with.
    std::shared_ptr<boost::asio::ssl::context> current() const;

    // Reads the files again. On success new connections get the new context; on failure
    // (TlsSetupError) the one in use stays.
    void reload();

    // The certificate in use, for the log: its subject, serial and expiry.
    std::string describe() const;

  private:
    const config::TlsSettings settings_;
    mutable std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> context_;
    std::string description_;
};

}  // namespace gateway::http
