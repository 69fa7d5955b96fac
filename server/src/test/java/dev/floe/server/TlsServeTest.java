package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.InvalidConfigException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a PEM certificate and PKCS#8 key, as a server is usually handed them. */
class TlsServeTest {
  private static final String PASSWORD = "floe-test-keystore";
  @TempDir Path dir;

  /** keytool makes the key pair and self-signed certificate; they are written out as PEM. */
  private Map<String, String> pemFiles() throws Exception {
    Path p12 = dir.resolve("server.p12");
    ProcessBuilder keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "s", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
        "-storepass:env", "FLOE_TEST_PASSWORD").redirectErrorStream(true);
    keytool.environment().put("FLOE_TEST_PASSWORD", PASSWORD);
    Process process = keytool.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      store.load(in, PASSWORD.toCharArray());
    }
    Certificate certificate = store.getCertificate("s");
    Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes());
    Path cert = dir.resolve("server.crt");
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Path key = dir.resolve("server.key");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + mime.encodeToString(store.getKey("s", PASSWORD.toCharArray()).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    return Map.of(ServeConfig.TLS_CERT_FILE, cert.toString(), ServeConfig.TLS_KEY_FILE, key.toString());
  }

  private static HttpClient trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry("s", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  @Test
  void aServerGivenACertificateAndKeyServesHttps() throws Exception {
    Map<String, String> tls = pemFiles();
    ServeFixture fixture = new ServeFixture(dir);
    try (FloeServer server = fixture.start("spool", tls)) {
      assertThat(server.scheme()).isEqualTo("https");
      HttpResponse<String> answer = trusting(Path.of(tls.get(ServeConfig.TLS_CERT_FILE))).send(
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/"))
              .POST(HttpRequest.BodyPublishers.ofString(ServeFixture.events("t", 1, 2))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(server.shutdown(ServeFixture.soon())).isTrue();
    }
    assertThat(fixture.rows()).containsExactlyInAnyOrder("t:1", "t:2");
  }

  @Test
  void aKeyThatIsNotPkcs8IsRefusedWithHowToConvertIt() throws Exception {
    Map<String, String> tls = pemFiles();
    Files.writeString(Path.of(tls.get(ServeConfig.TLS_KEY_FILE)), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    ServeFixture fixture = new ServeFixture(dir);
    assertThatThrownBy(() -> fixture.start("spool", tls)).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(ServeConfig.TLS_KEY_FILE).hasMessageContaining("openssl pkcs8 -topk8")
        .hasMessageNotContaining("AAAA");
  }

  @Test
  void aCertificateWithoutAKeyIsAConfigError() {
    assertThatThrownBy(() -> new ServeFixture(dir).config("spool", Map.of(ServeConfig.TLS_CERT_FILE, "a.crt")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Invalid TLS settings: serve.tls-cert-file and serve.tls-key-file go together (serve.tls-key-file is not set)");
  }
}
