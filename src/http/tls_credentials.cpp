#include "http/tls_credentials.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>

namespace gateway::http {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2's suites: forward secrecy and AEAD only (Mozilla's "intermediate" list, which
// every client of the last decade speaks). TLS 1.3's own suites all qualify as they are.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Session resumption with client certificates needs a context id; any constant will do.
constexpr unsigned char kSessionContext[] = "gateway-api";

// The reason OpenSSL gives for the failure at hand, and an empty queue after it.
std::string reason_of(const boost::system::error_code& ec) {
    ERR_clear_error();
    return ec.message();
}

std::string openssl_reason(const char* fallback) {
    const unsigned long code = ERR_peek_last_error();
    std::string reason = fallback;
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        reason = text;
    }
    ERR_clear_error();
    return reason;
}

// A key file protected by a pass phrase would otherwise make OpenSSL ask for it on the
// terminal and block the start; there is no terminal to answer, so it fails instead.
int no_pass_phrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) {
    return 0;
}

std::shared_ptr<ssl::context> build_context(const config::TlsSettings& settings) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* handle = context->native_handle();
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                         ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION);
    // A client could otherwise make the server redo handshakes on one connection at will.
    SSL_CTX_set_options(handle, SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_cipher_list(handle, kTls12Ciphers) != 1) {
        throw TlsSetupError("TLS_CERT_FILE", openssl_reason("no usable TLS 1.2 cipher"));
    }
    SSL_CTX_set_default_passwd_cb(handle, no_pass_phrase);
    SSL_CTX_set_session_id_context(handle, kSessionContext, sizeof kSessionContext - 1);

    boost::system::error_code ec;
    context->use_certificate_chain_file(settings.cert_file, ec);
    if (ec) throw TlsSetupError("TLS_CERT_FILE", reason_of(ec));
    context->use_private_key_file(settings.key_file, ssl::context::pem, ec);
    if (ec && ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
        ERR_clear_error();
        throw TlsSetupError("TLS_KEY_FILE", "does not match the certificate of TLS_CERT_FILE");
    }
    if (ec) throw TlsSetupError("TLS_KEY_FILE", reason_of(ec));
    if (SSL_CTX_check_private_key(handle) != 1) {
        ERR_clear_error();
        throw TlsSetupError("TLS_KEY_FILE", "does not match the certificate of TLS_CERT_FILE");
    }

    if (!settings.client_ca_file.empty()) {
        context->load_verify_file(settings.client_ca_file, ec);
        if (ec) throw TlsSetupError("TLS_CLIENT_CA_FILE", reason_of(ec));
        // Tells clients which CAs' certificates are welcome.
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.client_ca_file.c_str());
        if (names == nullptr) {
            throw TlsSetupError("TLS_CLIENT_CA_FILE", openssl_reason("no CA certificate in it"));
        }
        SSL_CTX_set_client_CA_list(handle, names);
        context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    return context;
}

std::string text_of(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string description_of(const ssl::context& context) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): OpenSSL 3 takes it const-less
    X509* certificate =
        SSL_CTX_get0_certificate(const_cast<ssl::context&>(context).native_handle());
    if (certificate == nullptr) return "no certificate";
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio) return "a certificate";
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
    std::string description = "subject " + text_of(bio.get());
    std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(
        ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr), &BN_free);
    if (serial) {
        char* hex = BN_bn2hex(serial.get());
        if (hex != nullptr) description += ", serial " + std::string(hex);
        OPENSSL_free(hex);
    }
    BIO_reset(bio.get());
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(certificate));
    description += ", valid until " + text_of(bio.get());
    ERR_clear_error();
    return description;
}

}  // namespace

TlsCredentials::TlsCredentials(config::TlsSettings settings)
    : settings_(std::move(settings)),
      context_(build_context(settings_)),
      description_(description_of(*context_)) {}

std::shared_ptr<ssl::context> TlsCredentials::current() const {
    std::lock_guard lock(mutex_);
    return context_;
}

void TlsCredentials::reload() {
    auto context = build_context(settings_);
    auto description = description_of(*context);
    std::lock_guard lock(mutex_);
    context_ = std::move(context);
    description_ = std::move(description);
}

std::string TlsCredentials::describe() const {
    std::lock_guard lock(mutex_);
    return description_;
}

}  // namespace gateway::http
