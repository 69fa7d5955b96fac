package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The REST path as far as it goes without a server: the S3 client Iceberg builds from floe's
 * properties, and a REST catalog that reaches the network layer. The protocol itself is exercised
 * by the integration tests against real servers.
 */
class RestClientClasspathTest {

  @Test
  void s3FileIoBuildsItsClientFromR2PropertiesWithTheDefaultHttpClient() {
    CatalogConfig config =
        CatalogConfig.from(
            settings(
                "catalog.type", "rest",
                "catalog.uri", "https://catalog.cloudflarestorage.com/acct/bucket",
                "s3.profile", "r2",
                "s3.endpoint", "https://acct.r2.cloudflarestorage.com",
                "s3.access-key-id", "AKID",
                "s3.secret-access-key", "secret"));

    try (S3FileIO io = new S3FileIO()) {
      io.initialize(IcebergCatalogProperties.of(config));
      // Building the client loads iceberg-aws's default http-client.type (apache, i.e. the SDK's
      // apache5-client); a missing module fails here with NoClassDefFoundError.
      S3Client client = io.client();

      assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.of("auto"));
      assertThat(client.serviceClientConfiguration().endpointOverride())
          .contains(URI.create("https://acct.r2.cloudflarestorage.com"));
    }
  }

  @Test
  void restCatalogFailureNamesTheServerAndHidesCredentials() throws IOException {
    String uri = "http://127.0.0.1:" + closedPort();
    List<String> secrets = List.of("TOKEN-5ecret", "S3-5ecret", "CLIENT-5ecret");

    Throwable bearer =
        catchThrowable(
            () ->
                CatalogFactory.create(
                    CatalogConfig.from(
                        settings(
                            "catalog.type", "rest",
                            "catalog.uri", uri,
                            "catalog.token", "TOKEN-5ecret",
                            "s3.access-key-id", "AKID",
                            "s3.secret-access-key", "S3-5ecret"))));
    Throwable oauth2 =
        catchThrowable(
            () ->
                CatalogFactory.create(
                    CatalogConfig.from(
                        settings(
                            "catalog.type", "rest",
                            "catalog.uri", uri,
                            "catalog.oauth2.client-id", "writer",
                            "catalog.oauth2.client-secret", "CLIENT-5ecret"))));

    for (Throwable error : List.of(bearer, oauth2)) {
      assertThat(error)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Cannot open REST catalog floe at " + uri + ": ")
          .hasMessageContaining("Connection refused");
      assertThat(chain(error)).allSatisfy(text -> assertThat(text).doesNotContain(secrets));
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static List<String> chain(Throwable error) {
    List<String> texts = new ArrayList<>();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      texts.add(cause.toString());
      for (Throwable suppressed : cause.getSuppressed()) {
        texts.add(suppressed.toString());
      }
    }
    return texts;
  }
}
