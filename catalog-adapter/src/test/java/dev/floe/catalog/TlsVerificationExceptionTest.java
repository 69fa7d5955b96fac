package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigValidationTest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.floe.catalog.TestCertificates.Certificate;
import dev.floe.catalog.TestCertificates.TlsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed handshakes, provoked for real against a local TLS server, turned into floe's message. */
class TlsVerificationExceptionTest {
  @TempDir static Path dir;
  private static Certificate ca;
  private static TlsServer server;

  @BeforeAll
  static void start() throws IOException {
    ca = TestCertificates.selfSigned(dir, "private-ca", "ip:127.0.0.1");
    server = new TlsServer(ca);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  @Test
  void untrustedCertificateNamesTheEndpointAndSuggestsTheBundle() throws Exception {
    RuntimeException failure = wrapped(handshakeFailure(SSLContext.getDefault(), "127.0.0.1"));

    RuntimeException explained =
        TlsVerificationException.explain(
            failure, "S3 endpoint", "https://127.0.0.1:9000", TransportConfig.defaults());

    assertThat(explained)
        .isInstanceOf(TlsVerificationException.class)
        .hasMessage(
            "Cannot verify the TLS certificate of S3 endpoint https://127.0.0.1:9000: unable to"
                + " find valid certification path to requested target; if the server's certificate"
                + " is self-signed or issued by a private CA (e.g. a MinIO of your own), set"
                + " transport.ca-bundle (FLOE_TRANSPORT_CA_BUNDLE) to that CA's PEM file")
        .hasCause(failure);
    assertThat(((TlsVerificationException) explained).reason())
        .isEqualTo(TlsVerificationException.Reason.UNTRUSTED);
  }

  @Test
  void untrustedDespiteABundleSaysTheBundleLacksTheCa() {
    Certificate unrelated = TestCertificates.selfSigned(dir, "unrelated-ca", "ip:127.0.0.1");
    CaBundle bundle = CaBundle.load(unrelated.pem());
    RuntimeException failure = wrapped(handshakeFailure(bundle.sslContext(), "127.0.0.1"));

    RuntimeException explained =
        TlsVerificationException.explain(
            failure,
            "REST catalog floe at",
            "https://127.0.0.1:8181",
            new TransportConfig(false, Optional.of(bundle)));

    assertThat(explained)
        .isInstanceOf(TlsVerificationException.class)
        .hasMessage(
            "Cannot verify the TLS certificate of REST catalog floe at https://127.0.0.1:8181:"
                + " unable to find valid certification path to requested target; no CA of the JVM"
                + " or of transport.ca-bundle "
                + bundle.path()
                + " signed it; add the CA that issued the server's certificate to the bundle");
  }

  @Test
  void certificateForAnotherHostSaysHostNamesAreVerified() {
    RuntimeException failure =
        wrapped(handshakeFailure(CaBundle.load(ca.pem()).sslContext(), "localhost"));

    RuntimeException explained =
        TlsVerificationException.explain(
            failure, "S3 endpoint", "https://localhost:9000", TransportConfig.defaults());

    assertThat(explained)
        .isInstanceOf(TlsVerificationException.class)
        .hasMessage(
            "Cannot verify the TLS certificate of S3 endpoint https://localhost:9000: No name"
                + " matching localhost found; the certificate does not name the host in the URL;"
                + " floe always verifies host names, so connect by a name or IP address the"
                + " certificate lists");
  }

  @Test
  void expiredCertificateSaysToRenewIt() {
    CertPathValidatorException expired =
        new CertPathValidatorException(
            "validity check failed",
            null,
            null,
            -1,
            CertPathValidatorException.BasicReason.EXPIRED);
    RuntimeException failure = wrapped(handshakeException("PKIX path validation failed", expired));

    assertThat(
            TlsVerificationException.explain(
                failure, "S3 endpoint", "https://s3.example", TransportConfig.defaults()))
        .hasMessageEndingWith(
            ": validity check failed; the certificate is outside its validity period: renew it,"
                + " or check this machine's clock");
  }

  @Test
  void otherFailuresAndExplainedOnesAreLeftAlone() {
    RuntimeException refused = new UncheckedIOException(new IOException("Connection refused"));
    RuntimeException badCertificateText =
        wrapped(handshakeException("x", new CertificateException("Unsupported encoding")));
    RuntimeException explained =
        TlsVerificationException.explain(
            wrapped(handshakeFailure(defaultContext(), "127.0.0.1")),
            "S3 endpoint",
            "https://127.0.0.1:9000",
            TransportConfig.defaults());

    assertThat(
            TlsVerificationException.explain(
                refused, "S3 endpoint", "x", TransportConfig.defaults()))
        .isSameAs(refused);
    assertThat(
            TlsVerificationException.explain(
                badCertificateText, "S3 endpoint", "x", TransportConfig.defaults()))
        .isSameAs(badCertificateText);
    assertThat(
            TlsVerificationException.explain(
                new IllegalStateException("outer", explained),
                "S3 endpoint",
                "y",
                TransportConfig.defaults()))
        .isSameAs(explained);
  }

  @Test
  void laterFailuresAreS3sUnlessS3IsPlaintext() {
    RuntimeException failure = wrapped(handshakeFailure(defaultContext(), "127.0.0.1"));

    assertThat(
            TlsVerificationException.explain(
                failure, CatalogConfig.from(rest("s3.endpoint", "https://minio.internal:9000"))))
        .hasMessageStartingWith(
            "Cannot verify the TLS certificate of S3 endpoint https://minio.internal:9000: ");
    assertThat(
            TlsVerificationException.explain(
                failure, CatalogConfig.from(rest("s3.endpoint", "http://127.0.0.1:9000"))))
        .hasMessageStartingWith(
            "Cannot verify the TLS certificate of REST catalog https://catalog.example.com: ");
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLHandshakeException handshakeException(String message, Throwable cause) {
    SSLHandshakeException exception = new SSLHandshakeException(message);
    exception.initCause(cause);
    return exception;
  }

  /** How an HTTP client passes the handshake failure on: wrapped, as Iceberg and the SDK do. */
  private static RuntimeException wrapped(Exception cause) {
    return new IllegalStateException(
        "Unable to execute HTTP request: " + cause.getMessage(), cause);
  }

  private static SSLHandshakeException handshakeFailure(SSLContext context, String host) {
    Throwable thrown =
        catchThrowable(
            () -> {
              Socket plain = new Socket(InetAddress.getByName("127.0.0.1"), server.port());
              try (SSLSocket socket =
                  (SSLSocket)
                      context.getSocketFactory().createSocket(plain, host, server.port(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
              }
            });
    assertThat(thrown).isInstanceOf(SSLHandshakeException.class);
    return (SSLHandshakeException) thrown;
  }
}
