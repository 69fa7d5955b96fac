package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigValidationTest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.floe.core.config.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * R2's checksum settings reach the S3 clients of an R2 catalog only: a library user with an R2
 * table and an AWS table in one JVM keeps the SDK's defaults for the AWS one.
 */
class ChecksumPerClientTest {
  private static final List<String> SDK_PROPERTIES =
      List.of("aws.requestChecksumCalculation", "aws.responseChecksumValidation");

  private final List<Set<String>> requests = new ArrayList<>();
  private HttpServer server;
  private String endpoint;

  @BeforeEach
  void startServer() throws IOException {
    // Answers every request with 200 and records the checksum headers the client sent; enough to
    // see what a client does with its checksum settings, which is all this test is about.
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          Set<String> checksumHeaders = new TreeSet<>();
          exchange
              .getRequestHeaders()
              .forEach(
                  (name, values) -> {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (lower.contains("checksum")
                        || (lower.equals("x-amz-trailer") && values.toString().contains("checksum"))) {
                      checksumHeaders.add(lower);
                    }
                  });
          try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
          }
          synchronized (requests) {
            requests.add(checksumHeaders);
          }
          exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    // Today's code sets them; keep them from leaking into the tests that run after this one.
    SDK_PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void eachCatalogsClientsGetTheirOwnChecksumSettingAndNoJvmPropertyIsSet() {
    SDK_PROPERTIES.forEach(property -> assertThat(System.getProperty(property)).isNull());
    CatalogConfig r2 =
        CatalogConfig.from(
            rest(
                "s3.profile", "r2",
                "s3.endpoint", endpoint,
                "s3.access-key-id", "r2-key",
                "s3.secret-access-key", "r2-secret"));
    CatalogConfig aws =
        CatalogConfig.from(
            rest(
                "s3.endpoint", endpoint,
                "s3.region", "us-east-1",
                "s3.path-style", "true",
                "s3.access-key-id", "aws-key",
                "s3.secret-access-key", "aws-secret"));

    // R2 first, so that a JVM-wide setting made for it would be in force for the AWS clients.
    try (S3FileIO r2Table = fileIo(r2);
        S3Client r2Own = S3Clients.create(r2);
        S3FileIO awsTable = fileIo(aws);
        S3Client awsOwn = S3Clients.create(aws)) {
      assertThat(put(r2Table.client())).as("R2 table's client").isEmpty();
      assertThat(put(r2Own)).as("floe's own R2 client").isEmpty();
      assertThat(put(awsTable.client())).as("AWS table's client").isNotEmpty();
      assertThat(put(awsOwn)).as("floe's own AWS client").isNotEmpty();
    }
    SDK_PROPERTIES.forEach(
        property -> assertThat(System.getProperty(property)).as(property).isNull());
  }

  @Test
  void anOwnClientFactoryIsRefusedWhereFloeSetsChecksumModes() {
    // Iceberg would build the clients through it, and they would lose R2's settings unnoticed.
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest(
                        "s3.profile",
                        "r2",
                        "catalog.property.client.factory",
                        "org.apache.iceberg.aws.AssumeRoleAwsClientFactory")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Invalid config: Iceberg property client.factory cannot be combined with"
                + " s3.request-checksum-calculation or s3.response-checksum-validation (the r2"
                + " profile sets both): floe builds the S3 clients itself to give each its"
                + " checksum settings");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest(
                        "s3.request-checksum-calculation",
                        "when-required",
                        "s3.client-factory-impl",
                        "com.example.Mine")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Invalid config: Iceberg property s3.client-factory-impl cannot be combined with"
                + " s3.request-checksum-calculation");
  }

  private static S3FileIO fileIo(CatalogConfig config) {
    S3FileIO io = new S3FileIO();
    io.initialize(IcebergCatalogProperties.of(config));
    return io;
  }

  /** The checksum headers of one PutObject. */
  private Set<String> put(S3Client client) {
    int before;
    synchronized (requests) {
      before = requests.size();
    }
    client.putObject(b -> b.bucket("bucket").key("key"), RequestBody.fromString("payload"));
    synchronized (requests) {
      assertThat(requests).hasSize(before + 1);
      return requests.get(before);
    }
  }
}
