// TLS on the listener, tried with real TLS clients: curl, `openssl s_client`, and an
// OpenSSL connection of the test's own that stays open across a SIGHUP. The certificates
// come from a CA made when the suite starts. Storage plays no part, so the PostgreSQL
// copy of the suite skips it.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "support/raw_connection.hpp"
#include "support/run_binary.hpp"
#include "support/run_command.hpp"
#include "support/server_fixture.hpp"
#include "support/server_process.hpp"
#include "support/storage_mode.hpp"
#include "support/temporary_directory.hpp"
#include "support/timeouts.hpp"

namespace gateway::test {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// A CA, a second CA nobody trusts, two server certificates for 127.0.0.1 (the second one
// stands for a renewal), and a client certificate from each CA: P-256 keys, quick to make.
class TestPki {
  public:
    TestPki() {
        make_ca("ca", "Gateway TLS Test CA");
        make_ca("other-ca", "Gateway Untrusted Test CA");
        make_leaf("server-a", "ca", "localhost", "0xA1A1", true);
        make_leaf("server-b", "ca", "localhost", "0xB2B2", true);
        make_leaf("client", "ca", "deployer", "0xC3C3", false);
        make_leaf("stranger", "other-ca", "stranger", "0xD4D4", false);
    }

    std::string path(const std::string& name) const { return (directory_.path() / name).string(); }
    std::string cert(const std::string& name) const { return path(name + ".crt"); }
    std::string key(const std::string& name) const { return path(name + ".key"); }

  private:
    void openssl(std::vector<std::string> args) const {
        args.insert(args.begin(), "openssl");
        must_run_command(args, kIoTimeout, directory_.path().string());
    }
    void make_ca(const std::string& name, const std::string& subject) const {
        openssl({"req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-days", "2", "-subj", "/CN=" + subject, "-keyout",
                 name + ".key", "-out", name + ".crt"});
    }
    void make_leaf(const std::string& name, const std::string& ca, const std::string& common_name,
                   const std::string& serial, bool server) const {
        openssl({"req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-subj", "/CN=" + common_name, "-keyout",
                 name + ".key", "-out", name + ".csr"});
        directory_.write(name + ".ext", server ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                                 "extendedKeyUsage=serverAuth\n"
                                               : "extendedKeyUsage=clientAuth\n");
        openssl({"x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                 "-set_serial", serial, "-days", "2", "-extfile", name + ".ext", "-out",
                 name + ".crt"});
    }

    TemporaryDirectory directory_;
};

struct CurlResult {
    bool ok = false;  // curl exited 0: the TLS session and the exchange worked
    std::string output;
};

// `curl` against the server; `extra` goes before the URL. The last line of the output is
// the status code.
CurlResult curl(const std::string& url, std::vector<std::string> extra) {
    std::vector<std::string> argv = {"curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url);
    const auto run = run_command(argv, kIoTimeout);
    return {run.exit_code == 0, run.output};
}

std::string https(std::uint16_t port, const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(port) + path;
}

// `openssl s_client -brief` against the server: its output names the protocol agreed.
CommandResult s_client(std::uint16_t port, const TestPki& pki, std::vector<std::string> extra) {
    std::vector<std::string> argv = {
        "openssl", "s_client", "-connect",     "127.0.0.1:" + std::to_string(port),
        "-brief",  "-CAfile",  pki.cert("ca"), "-verify_return_error"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, kIoTimeout);
}

// One TLS connection kept open for as long as the object lives: what a client in the
// middle of its work holds while the server reloads its certificate.
class TlsConnection {
  public:
    TlsConnection(std::uint16_t port, const std::string& ca_file)
        : context_(asio::ssl::context::tls_client), stream_(io_, context_) {
        context_.load_verify_file(ca_file);
        stream_.set_verify_mode(asio::ssl::verify_peer);
        auto& socket = stream_.next_layer();
        socket.connect({asio::ip::make_address("127.0.0.1"), port});
        // Blocking calls give up instead of hanging the suite when the server misbehaves.
        const timeval limit{.tv_sec = 20, .tv_usec = 0};
        ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        stream_.handshake(asio::ssl::stream_base::client);
    }

    // GET over this connection; throws when it was closed.
    unsigned get(const std::string& target) {
        bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
        request.set(bhttp::field::host, "127.0.0.1");
        bhttp::write(stream_, request);
        bhttp::response<bhttp::string_body> response;
        bhttp::read(stream_, buffer_, response);
        return response.result_int();
    }

    // The serial number of the certificate the server presented, in hex.
    std::string peer_serial() {
        X509* certificate = SSL_get0_peer_certificate(stream_.native_handle());
        if (certificate == nullptr) return {};
        std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(
            ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr), &BN_free);
        char* hex = BN_bn2hex(serial.get());
        std::string text = hex != nullptr ? hex : "";
        OPENSSL_free(hex);
        return text;
    }

  private:
    asio::io_context io_;
    asio::ssl::context context_;
    asio::ssl::stream<asio::ip::tcp::socket> stream_;
    boost::beast::flat_buffer buffer_;
};

Environment tls_environment(const std::string& cert, const std::string& key) {
    return {{"TLS_CERT_FILE", cert}, {"TLS_KEY_FILE", key}};
}

class TlsListener : public ::testing::Test {
  public:
    static void SetUpTestSuite() {
        if (storage_is_postgres()) return;
        pki_ = std::make_unique<TestPki>();
        server_ = std::make_unique<ServerProcess>(
            tls_environment(pki_->cert("server-a"), pki_->key("server-a")));
    }
    static void TearDownTestSuite() {
        if (server_) expect_clean_exit(*server_);
        server_.reset();
        pki_.reset();
    }

  protected:
    void SetUp() override {
        if (storage_is_postgres()) GTEST_SKIP() << "TLS does not depend on the storage";
    }
    static std::uint16_t port() { return server_->port(); }

    static std::unique_ptr<TestPki> pki_;
    static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<TestPki> TlsListener::pki_;
std::unique_ptr<ServerProcess> TlsListener::server_;

TEST_F(TlsListener, CurlTrustingTheCaReadsAndWritesOverHttps) {
    const auto health = curl(https(port(), "/health/live"), {"--cacert", pki_->cert("ca")});
    ASSERT_TRUE(health.ok) << health.output;
    EXPECT_TRUE(health.output.ends_with("\n200")) << health.output;

    const std::string body =
        R"({"name":"tls-orders","base_path":"/tls-orders","upstream_url":"http://127.0.0.1:9000"})";
    const auto created =
        curl(https(port(), "/apis"), {"--cacert", pki_->cert("ca"), "-X", "POST", "-H",
                                      "Content-Type: application/json", "--data", body});
    ASSERT_TRUE(created.ok) << created.output;
    EXPECT_TRUE(created.output.ends_with("\n201")) << created.output;

    const auto read = curl(https(port(), "/apis/tls-orders"), {"--cacert", pki_->cert("ca")});
    ASSERT_TRUE(read.ok) << read.output;
    EXPECT_TRUE(read.output.ends_with("\n200")) << read.output;
    EXPECT_NE(read.output.find("\"base_path\":\"/tls-orders\""), std::string::npos) << read.output;
}

TEST_F(TlsListener, CertificateFromAnotherCaIsRefusedByTheClient) {
    // The server presents its own chain: a client trusting another CA must not accept it.
    const auto refused = curl(https(port(), "/health/live"), {"--cacert", pki_->cert("other-ca")});
    EXPECT_FALSE(refused.ok) << refused.output;
}

TEST_F(TlsListener, PlainHttpIsRefusedAndCountedAndTheListenerStaysUp) {
    const auto plain = curl("http://127.0.0.1:" + std::to_string(port()) + "/health/live", {});
    EXPECT_FALSE(plain.ok && plain.output.ends_with("\n200")) << plain.output;

    const auto metrics = curl(https(port(), "/metrics"), {"--cacert", pki_->cert("ca")});
    ASSERT_TRUE(metrics.ok) << metrics.output;
    EXPECT_EQ(metrics.output.find("gateway_http_tls_handshake_failures_total 0"), std::string::npos)
        << metrics.output;
    EXPECT_NE(metrics.output.find("gateway_http_tls_handshake_failures_total "), std::string::npos);
}

TEST_F(TlsListener, SpeaksTls12AndTls13) {
    const auto tls12 = s_client(port(), *pki_, {"-tls1_2"});
    EXPECT_EQ(tls12.exit_code, 0) << tls12.output;
    EXPECT_NE(tls12.output.find("Protocol version: TLSv1.2"), std::string::npos) << tls12.output;
    EXPECT_NE(tls12.output.find("Ciphersuite: ECDHE-"), std::string::npos) << tls12.output;

    const auto tls13 = s_client(port(), *pki_, {"-tls1_3"});
    EXPECT_EQ(tls13.exit_code, 0) << tls13.output;
    EXPECT_NE(tls13.output.find("Protocol version: TLSv1.3"), std::string::npos) << tls13.output;
}

TEST_F(TlsListener, RefusesTls11EvenToAClientThatOffersIt) {
    // Security level 0 lets this client offer TLS 1.1 at all: the refusal is the server's.
    const auto tls11 = s_client(port(), *pki_, {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"});
    EXPECT_NE(tls11.exit_code, 0) << tls11.output;
    EXPECT_EQ(tls11.output.find("Protocol version: TLSv1.1"), std::string::npos) << tls11.output;
    EXPECT_NE(tls11.output.find("alert protocol version"), std::string::npos) << tls11.output;
}

TEST_F(TlsListener, RefusesTls12SuitesWithoutForwardSecrecyOrAead) {
    for (const std::string suite : {"AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA", "AES256-SHA"}) {
        const auto weak = s_client(port(), *pki_, {"-tls1_2", "-cipher", suite});
        EXPECT_NE(weak.exit_code, 0) << suite << ": " << weak.output;
        EXPECT_EQ(weak.output.find("Protocol version"), std::string::npos)
            << suite << ": " << weak.output;
    }
}

TEST(TlsReload, SighupServesTheRenewedCertificateAndKeepsOpenConnections) {
    if (storage_is_postgres()) GTEST_SKIP() << "TLS does not depend on the storage";
    const TestPki pki;
    const TemporaryDirectory files;
    const std::string cert = (files.path() / "server.crt").string();
    const std::string key = (files.path() / "server.key").string();
    const auto install = [&](const std::string& name) {
        std::filesystem::copy_file(pki.cert(name), cert,
                                   std::filesystem::copy_options::overwrite_existing);
        std::filesystem::copy_file(pki.key(name), key,
                                   std::filesystem::copy_options::overwrite_existing);
    };
    install("server-a");
    ServerProcess server(tls_environment(cert, key));

    TlsConnection before(server.port(), pki.cert("ca"));
    EXPECT_EQ(before.get("/health/live"), 200u);
    EXPECT_EQ(before.peer_serial(), "A1A1");

    install("server-b");
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_output("TLS: certificate reloaded", kIoTimeout)) << server.output();

    // The connection made before the reload goes on with its session, undisturbed.
    EXPECT_EQ(before.get("/health/live"), 200u);
    EXPECT_EQ(before.get("/apis"), 200u);
    // New connections get the renewed certificate.
    TlsConnection after(server.port(), pki.cert("ca"));
    EXPECT_EQ(after.get("/health/live"), 200u);
    EXPECT_EQ(after.peer_serial(), "B2B2");

    // A broken file at the next reload keeps the certificate in use.
    files.write("server.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n");
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_output("the certificate in use stays", kIoTimeout))
        << server.output();
    TlsConnection later(server.port(), pki.cert("ca"));
    EXPECT_EQ(later.get("/health/live"), 200u);
    EXPECT_EQ(later.peer_serial(), "B2B2");
    EXPECT_EQ(before.get("/health/live"), 200u);

    // No key material in anything the server printed.
    EXPECT_EQ(server.output().find("PRIVATE KEY"), std::string::npos);
    expect_clean_exit(server);
}

// A client that connects and never finishes its handshake is a slowloris too: the read
// timeout covers the handshake, and the idle timeout (far beyond the wait) plays no part.
TEST(TlsTimeouts, StalledHandshakeIsDroppedAfterTheReadTimeout) {
    if (storage_is_postgres()) GTEST_SKIP() << "TLS does not depend on the storage";
    const TestPki pki;
    Environment env = tls_environment(pki.cert("server-a"), pki.key("server-a"));
    env["HTTP_READ_TIMEOUT"] = "1";
    env["HTTP_IDLE_TIMEOUT"] = "300";
    ServerProcess server(env);
    RawConnection silent(server.port());
    EXPECT_TRUE(silent.wait_for_close(kIoTimeout));
    RawConnection half_hello(server.port());
    half_hello.write(std::string("\x16\x03\x01\x02\x00\x01", 6));  // a record that never ends
    EXPECT_TRUE(half_hello.wait_for_close(kIoTimeout));

    // An idle TLS connection does not hold up the exit either.
    TlsConnection idle(server.port(), pki.cert("ca"));
    EXPECT_EQ(idle.get("/health/live"), 200u);
    expect_clean_exit(server);
}

TEST(MutualTls, OnlyClientsWithACertificateFromTheConfiguredCaGetIn) {
    if (storage_is_postgres()) GTEST_SKIP() << "TLS does not depend on the storage";
    const TestPki pki;
    Environment env = tls_environment(pki.cert("server-a"), pki.key("server-a"));
    env["TLS_CLIENT_CA_FILE"] = pki.cert("ca");
    ServerProcess server(env);
    const std::string url = https(server.port(), "/health/live");

    const auto with_client_cert = curl(url, {"--cacert", pki.cert("ca"), "--cert",
                                             pki.cert("client"), "--key", pki.key("client")});
    ASSERT_TRUE(with_client_cert.ok) << with_client_cert.output;
    EXPECT_TRUE(with_client_cert.output.ends_with("\n200")) << with_client_cert.output;

    const auto without = curl(url, {"--cacert", pki.cert("ca")});
    EXPECT_FALSE(without.ok && without.output.ends_with("\n200")) << without.output;

    const auto stranger = curl(url, {"--cacert", pki.cert("ca"), "--cert", pki.cert("stranger"),
                                     "--key", pki.key("stranger")});
    EXPECT_FALSE(stranger.ok && stranger.output.ends_with("\n200")) << stranger.output;

    // Over TLS 1.2 the refusal comes in the handshake itself.
    const auto tls12_without = s_client(server.port(), pki, {"-tls1_2"});
    EXPECT_NE(tls12_without.exit_code, 0) << tls12_without.output;
    expect_clean_exit(server);
}

TEST(TlsStartup, UnusableFilesStopTheStartNamingTheSetting) {
    if (storage_is_postgres()) GTEST_SKIP() << "TLS does not depend on the storage";
    const TestPki pki;
    const TemporaryDirectory files;
    const std::string garbage = files.write("garbage.pem", "not a certificate\n");
    struct Case {
        Environment env;
        std::string named;
        int exit_code;  // 2: a setting's syntax; 1: a file that cannot be used
    };
    const std::string missing = (files.path() / "missing.crt").string();
    const std::vector<Case> cases = {
        {{{"TLS_CERT_FILE", pki.cert("server-a")}}, "TLS_KEY_FILE", 2},
        {{{"TLS_KEY_FILE", pki.key("server-a")}}, "TLS_CERT_FILE", 2},
        {{{"TLS_CLIENT_CA_FILE", pki.cert("ca")}}, "TLS_CLIENT_CA_FILE", 2},
        {tls_environment(garbage, pki.key("server-a")), "TLS_CERT_FILE", 1},
        {tls_environment(pki.cert("server-a"), garbage), "TLS_KEY_FILE", 1},
        {tls_environment(pki.cert("server-a"), pki.key("server-b")), "TLS_KEY_FILE: does not match",
         1},
        {tls_environment(missing, pki.key("server-a")), "TLS_CERT_FILE", 1},
    };
    for (const auto& [env, named, exit_code] : cases) {
        const auto run = run_to_completion({}, env);
        EXPECT_EQ(run.exit_code, exit_code) << run.output;
        EXPECT_NE(run.output.find(named), std::string::npos)
            << "expected " << named << " in " << run.output;
        EXPECT_EQ(run.output.find("PRIVATE KEY"), std::string::npos) << run.output;
    }
    Environment bad_ca = tls_environment(pki.cert("server-a"), pki.key("server-a"));
    bad_ca["TLS_CLIENT_CA_FILE"] = garbage;
    const auto run = run_to_completion({}, bad_ca);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("TLS_CLIENT_CA_FILE"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace gateway::test
