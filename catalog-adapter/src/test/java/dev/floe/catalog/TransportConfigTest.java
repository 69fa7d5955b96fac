package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigTest.settings;
import static dev.floe.catalog.CatalogConfigValidationTest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.floe.catalog.TestCertificates.Certificate;
import dev.floe.core.config.Settings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code transport.*}: reading the CA bundle, and where it reaches Iceberg's clients. */
class TransportConfigTest {
  private static final String CONFIGURER = "dev.floe.catalog.CaBundleTlsConfigurer";
  private static final String S3_FACTORY = "dev.floe.catalog.FloeS3ClientFactory";

  @TempDir static Path dir;
  private static Certificate ca;

  @BeforeAll
  static void makeCertificate() {
    ca = TestCertificates.selfSigned(dir, "minio-ca", "ip:127.0.0.1");
  }

  @Test
  void noBundleByDefault() {
    assertThat(CatalogConfig.from(Settings.empty()).transport())
        .isEqualTo(TransportConfig.defaults());
    assertThat(CatalogConfig.from(rest()).transport().caBundle()).isEmpty();
    assertThat(IcebergCatalogProperties.of(CatalogConfig.from(rest())))
        .doesNotContainKeys(
            "rest.client.tls.configurer-impl",
            "s3.client-factory-impl",
            "floe.transport.ca-bundle");
  }

  @Test
  void bundleComesFromTheEnvironmentAndIsLoadedAtConfigTime() {
    Settings settings =
        rest()
            .withEnvironment(
                Map.of("FLOE_TRANSPORT_CA_BUNDLE", ca.pem().toString()), CatalogConfig.keys());

    CatalogConfig config = CatalogConfig.from(settings);

    assertThat(CatalogConfig.keys()).contains("transport.ca-bundle");
    assertThat(config.transport().caBundle())
        .hasValueSatisfying(
            bundle -> {
              assertThat(bundle.path()).isEqualTo(ca.pem().toAbsolutePath());
              assertThat(bundle.certificates())
                  .singleElement()
                  .extracting(certificate -> certificate.getSubjectX500Principal().getName())
                  .isEqualTo("CN=minio-ca");
            });
    assertThat(config.toString()).contains("caBundle=" + ca.pem() + " (1 certificate)");
  }

  @Test
  void badBundleFailsTheConfigNamingThePath() {
    Path missing = dir.resolve("nope.pem");

    assertThatThrownBy(() -> CatalogConfig.from(rest("transport.ca-bundle", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport.ca-bundle: " + missing + ": no such file");
    // Also with the local catalog: the S3 source and dead letters use the bundle there.
    assertThatThrownBy(
            () -> CatalogConfig.from(settings("transport.ca-bundle", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport.ca-bundle: " + missing + ": no such file");
    assertThatThrownBy(() -> CatalogConfig.from(rest("transport.ca-bundle", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid transport.ca-bundle (test): it is blank");
  }

  @Test
  void misspeltTransportKeyIsRefused() {
    assertThatThrownBy(() -> CatalogConfig.from(rest("transport.ca-bundel", ca.pem().toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: unknown key transport.ca-bundel (test); transport keys are"
                + " transport.allow-plaintext, transport.ca-bundle");
  }

  @Test
  void bundleReachesTheRestClientAndEveryS3Client() {
    CatalogConfig config = CatalogConfig.from(rest("transport.ca-bundle", ca.pem().toString()));
    String path = ca.pem().toAbsolutePath().toString();

    assertThat(IcebergCatalogProperties.of(config))
        .contains(
            entry("rest.client.tls.configurer-impl", CONFIGURER),
            entry("s3.client-factory-impl", S3_FACTORY),
            entry("floe.transport.ca-bundle", path));
    assertThat(IcebergCatalogProperties.s3Properties(config))
        .contains(
            entry("s3.client-factory-impl", S3_FACTORY), entry("floe.transport.ca-bundle", path))
        .doesNotContainKey("rest.client.tls.configurer-impl");

    CatalogConfig local = CatalogConfig.from(settings("transport.ca-bundle", ca.pem().toString()));
    assertThat(IcebergCatalogProperties.of(local))
        .doesNotContainKeys("s3.client-factory-impl", "rest.client.tls.configurer-impl");
    assertThat(IcebergCatalogProperties.s3Properties(local))
        .containsEntry("s3.client-factory-impl", S3_FACTORY);
  }

  @Test
  void anotherClientFactoryCannotBeCombinedWithTheBundle() {
    String bundle = ca.pem().toString();

    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest(
                        "transport.ca-bundle",
                        bundle,
                        "catalog.property.client.factory",
                        "org.apache.iceberg.aws.AssumeRoleAwsClientFactory")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: Iceberg property client.factory cannot be combined with"
                + " transport.ca-bundle: floe builds the S3 clients itself so that they trust the"
                + " bundle's CAs");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest(
                        "transport.ca-bundle",
                        bundle,
                        "s3.client-factory-impl",
                        "com.example.Mine")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid config: Iceberg property s3.client-factory-impl cannot be combined with"
                + " transport.ca-bundle");
  }

  @Test
  void s3FileIoBuildsItsClientThroughTheBundleFactoryWithFloesS3Settings() {
    for (String type : new String[] {"apache", "urlconnection"}) {
      CatalogConfig config =
          CatalogConfig.from(
              rest(
                  "transport.ca-bundle", ca.pem().toString(),
                  "s3.profile", "minio",
                  "s3.endpoint", "https://minio.internal:9000",
                  "s3.region", "eu-1",
                  "s3.access-key-id", "AKID",
                  "s3.secret-access-key", "secret",
                  "catalog.property.http-client.type", type));

      try (S3FileIO io = new S3FileIO()) {
        io.initialize(IcebergCatalogProperties.of(config));
        S3Client client = io.client();

        assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.of("eu-1"));
        assertThat(client.serviceClientConfiguration().endpointOverride())
            .contains(URI.create("https://minio.internal:9000"));
        assertThat(io.properties()).containsEntry("s3.client-factory-impl", S3_FACTORY);
      }
      // floe's own S3 clients (source, lease, dead letters) come from the same factory.
      try (S3Client own = S3Clients.create(config)) {
        assertThat(own.serviceClientConfiguration().region()).isEqualTo(Region.of("eu-1"));
        assertThat(own.serviceClientConfiguration().endpointOverride())
            .contains(URI.create("https://minio.internal:9000"));
      }
    }
  }

  @Test
  void restTlsConfigurerNeedsTheBundlePath() {
    CaBundleTlsConfigurer configurer = new CaBundleTlsConfigurer();
    configurer.initialize(Map.of("floe.transport.ca-bundle", ca.pem().toString()));
    assertThat(configurer.sslContext().getProtocol()).isEqualTo("TLS");
    // Not overridden: Iceberg then keeps the JDK's built-in host name verification.
    assertThat(configurer.hostnameVerifier()).isNull();

    assertThatThrownBy(() -> new CaBundleTlsConfigurer().initialize(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot configure TLS for the REST client: property floe.transport.ca-bundle is not"
                + " set");
  }

  @Test
  void bundleFactoryHonoursEveryHttpClientPropertyOfIceberg() throws IllegalAccessException {
    Set<String> icebergKeys = new TreeSet<>();
    for (Field field : HttpClientProperties.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String value = (String) field.get(null);
        if (value.startsWith("http-client.")) {
          icebergKeys.add(value);
        }
      }
    }

    // A key a future Iceberg adds fails here, until the factory maps it.
    assertThat(icebergKeys).isNotEmpty();
    assertThat(FloeS3ClientFactory.HTTP_CLIENT_KEYS)
        .containsExactlyInAnyOrderElementsOf(icebergKeys);
  }

  @Test
  void bundleFactoryRefusesAnAsyncClientAndUnknownHttpClientTypes() {
    FloeS3ClientFactory factory = new FloeS3ClientFactory();
    factory.initialize(
        Map.of("floe.transport.ca-bundle", ca.pem().toString(), "http-client.type", "netty"));

    assertThatThrownBy(factory::s3Async)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageStartingWith("Cannot build an asynchronous S3 client with transport.ca-bundle");
    assertThatThrownBy(factory::s3)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid http-client.type: netty (expected apache or urlconnection)");
  }
}
