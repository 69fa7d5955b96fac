package dev.floe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.catalog.TestCertificates.Certificate;
import dev.floe.catalog.TestCertificates.TlsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaBundleTest {
  @TempDir static Path certificates;
  @TempDir Path dir;

  private static Certificate local;
  private static Certificate other;

  @BeforeAll
  static void makeCertificates() {
    local = TestCertificates.selfSigned(certificates, "local-ca", "ip:127.0.0.1");
    other = TestCertificates.selfSigned(certificates, "other-ca", "dns:other.example");
  }

  @Test
  void readsEveryCertificateOfABundleAndIgnoresTextBetweenThem() throws IOException {
    Path bundle =
        Files.writeString(
            dir.resolve("bundle.pem"),
            "# Issuer: CN=local-ca\n"
                + local.pemText()
                + "\n# Issuer: CN=other-ca\r\n"
                + other.pemText().replace("\n", "\r\n"));

    CaBundle ca = CaBundle.load(bundle);

    assertThat(ca.path()).isEqualTo(bundle.toAbsolutePath());
    assertThat(ca.certificates())
        .extracting(certificate -> certificate.getSubjectX500Principal().getName())
        .containsExactly("CN=local-ca", "CN=other-ca");
    assertThat(ca).hasToString(bundle.toAbsolutePath() + " (2 certificates)");
  }

  @Test
  void trustsTheBundleInAdditionToTheJvmCas() throws Exception {
    X509TrustManager trust = CaBundle.load(local.pem()).trustManager();

    List<X509Certificate> jvm = List.of(jvmTrustManager().getAcceptedIssuers());
    assertThat(jvm).isNotEmpty();
    assertThat(trust.getAcceptedIssuers())
        .hasSize(jvm.size() + 1)
        .containsAll(jvm)
        .contains(CaBundle.load(local.pem()).certificates().get(0));
  }

  @Test
  void handshakeSucceedsWithTheBundleAndFailsWithoutIt() throws Exception {
    try (TlsServer server = new TlsServer(local)) {
      handshake(CaBundle.load(local.pem()).sslContext(), "127.0.0.1", server.port());

      assertThatThrownBy(() -> handshake(SSLContext.getDefault(), "127.0.0.1", server.port()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX path building failed");
      assertThatThrownBy(
              () -> handshake(CaBundle.load(other.pem()).sslContext(), "127.0.0.1", server.port()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX path building failed");
    }
  }

  @Test
  void hostNamesAreStillVerifiedWithTheBundle() throws Exception {
    try (TlsServer server = new TlsServer(local)) {
      // The certificate is for 127.0.0.1 only; the same server reached as localhost is refused.
      assertThatThrownBy(
              () -> handshake(CaBundle.load(local.pem()).sslContext(), "localhost", server.port()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("No name matching localhost found");
    }
  }

  @Test
  void missingFileDirectoryAndBlankFileAreRefusedNamingThePath() throws IOException {
    Path missing = dir.resolve("missing.pem");
    Path empty = Files.createFile(dir.resolve("empty.pem"));

    assertThatThrownBy(() -> CaBundle.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport.ca-bundle: " + missing + ": no such file");
    assertThatThrownBy(() -> CaBundle.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport.ca-bundle: " + dir + ": it is a directory, not a PEM file");
    assertThatThrownBy(() -> CaBundle.load(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid transport.ca-bundle: "
                + empty
                + ": no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks;"
                + " convert a DER file with `openssl x509 -inform der -in FILE -out FILE.pem`)");
  }

  @Test
  void derCertificateIsRefusedAsNotPem() throws Exception {
    byte[] der = CaBundle.load(local.pem()).certificates().get(0).getEncoded();
    Path file = Files.write(dir.resolve("ca.der"), der);

    assertThatThrownBy(() -> CaBundle.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid transport.ca-bundle: " + file + ": no PEM certificate in it");
  }

  @Test
  void privateKeyIsRefusedWithoutQuotingIt() throws IOException {
    String keyBody =
        Base64.getEncoder()
            .encodeToString("not-a-real-key-but-secret".getBytes(StandardCharsets.US_ASCII));
    Path file =
        Files.writeString(
            dir.resolve("server.pem"),
            local.pemText()
                + "-----BEGIN PRIVATE KEY-----\n"
                + keyBody
                + "\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> CaBundle.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid transport.ca-bundle: "
                + file
                + ": PEM block 2 is a PRIVATE KEY, not a CERTIFICATE; the bundle must hold only CA"
                + " certificates")
        .hasMessageNotContaining(keyBody);
  }

  @Test
  void brokenBlocksAreRefusedNamingTheBlock() throws IOException {
    String pem = local.pemText();
    Path truncated =
        Files.writeString(dir.resolve("truncated.pem"), pem + pem.substring(0, pem.length() / 2));
    Path badBase64 =
        Files.writeString(
            dir.resolve("base64.pem"),
            "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n");
    Path notCertificate =
        Files.writeString(
            dir.resolve("junk.pem"),
            "-----BEGIN CERTIFICATE-----\n"
                + Base64.getEncoder().encodeToString("junk".getBytes(StandardCharsets.US_ASCII))
                + "\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> CaBundle.load(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid transport.ca-bundle: "
                + truncated
                + ": PEM block 2 has no -----END CERTIFICATE----- line");
    assertThatThrownBy(() -> CaBundle.load(badBase64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid transport.ca-bundle: " + badBase64 + ": PEM block 1 is not valid base64");
    assertThatThrownBy(() -> CaBundle.load(notCertificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid transport.ca-bundle: "
                + notCertificate
                + ": PEM block 1 is not an X.509 certificate");
  }

  private static void handshake(SSLContext context, String host, int port) throws IOException {
    Socket plain = new Socket(InetAddress.getByName("127.0.0.1"), port);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
      SSLParameters parameters = socket.getSSLParameters();
      // What every HTTPS client sets: check the certificate names the host.
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
    }
  }

  private static X509TrustManager jvmTrustManager() throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }
}
