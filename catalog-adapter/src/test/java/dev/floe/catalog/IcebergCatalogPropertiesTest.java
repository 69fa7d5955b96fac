package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigTest.settings;
import static dev.floe.catalog.CatalogConfigValidationTest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole mapping from floe settings to Iceberg catalog properties, key by key. */
class IcebergCatalogPropertiesTest {
  private static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";
  private static final String S3_FACTORY = "dev.floe.catalog.FloeS3ClientFactory";

  private static Map<String, String> properties(dev.floe.core.config.Settings settings) {
    return IcebergCatalogProperties.of(CatalogConfig.from(settings));
  }

  @Test
  void r2WithBearerTokenAndVendedCredentials() {
    Map<String, String> properties =
        properties(
            rest(
                "catalog.uri", "https://catalog.cloudflarestorage.com/acct/bucket",
                "warehouse", "acct_bucket",
                "catalog.token", "r2-api-token",
                "catalog.vended-credentials", "true",
                "s3.profile", "r2",
                "s3.endpoint", "https://acct.r2.cloudflarestorage.com"));

    assertThat(properties)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                entry("uri", "https://catalog.cloudflarestorage.com/acct/bucket"),
                entry("warehouse", "acct_bucket"),
                entry("rest.auth.type", "oauth2"),
                entry("token", "r2-api-token"),
                entry("header.X-Iceberg-Access-Delegation", "vended-credentials"),
                entry("io-impl", S3_FILE_IO),
                entry("rest-metrics-reporting-enabled", "false"),
                entry("s3.endpoint", "https://acct.r2.cloudflarestorage.com"),
                entry("client.region", "auto"),
                entry("s3.path-style-access", "true"),
                entry("s3.chunked-encoding-enabled", "false"),
                // Per client, through floe's factory: Iceberg has no property for checksum modes.
                entry("s3.client-factory-impl", S3_FACTORY),
                entry("floe.s3.request-checksum-calculation", "when_required"),
                entry("floe.s3.response-checksum-validation", "when_required")));
  }

  @Test
  void minioWithStaticCredentialsAndOAuth2() {
    Map<String, String> properties =
        properties(
            rest(
                "catalog.uri", "http://127.0.0.1:8181",
                "warehouse", "s3://warehouse/",
                "catalog.oauth2.client-id", "writer",
                "catalog.oauth2.client-secret", "client-secret",
                "catalog.oauth2.server-uri", "http://127.0.0.1:8181/v1/oauth/tokens",
                "catalog.oauth2.scope", "PRINCIPAL_ROLE:ALL",
                "s3.profile", "minio",
                "s3.endpoint", "http://127.0.0.1:9000",
                "s3.access-key-id", "minioadmin",
                "s3.secret-access-key", "minio-secret",
                "s3.session-token", "minio-session"));

    assertThat(properties)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                entry("uri", "http://127.0.0.1:8181"),
                entry("warehouse", "s3://warehouse/"),
                entry("rest.auth.type", "oauth2"),
                entry("credential", "writer:client-secret"),
                entry("oauth2-server-uri", "http://127.0.0.1:8181/v1/oauth/tokens"),
                entry("scope", "PRINCIPAL_ROLE:ALL"),
                entry("io-impl", S3_FILE_IO),
                entry("rest-metrics-reporting-enabled", "false"),
                entry("s3.endpoint", "http://127.0.0.1:9000"),
                entry("client.region", "us-east-1"),
                entry("s3.path-style-access", "true"),
                entry("s3.access-key-id", "minioadmin"),
                entry("s3.secret-access-key", "minio-secret"),
                entry("s3.session-token", "minio-session")));
  }

  @Test
  void awsProfileLeavesEverythingToTheSdk() {
    assertThat(properties(rest()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "uri", "https://catalog.example.com",
                "io-impl", S3_FILE_IO,
                "rest-metrics-reporting-enabled", "false"));
  }

  @Test
  void awsProfileMapsExplicitSettings() {
    assertThat(
            properties(
                rest(
                    "s3.region", "eu-west-1",
                    "s3.path-style", "false",
                    "s3.chunked-encoding", "true",
                    "s3.request-checksum-calculation", "when-required")))
        .contains(
            entry("client.region", "eu-west-1"),
            entry("s3.path-style-access", "false"),
            entry("s3.chunked-encoding-enabled", "true"),
            entry("s3.client-factory-impl", S3_FACTORY),
            entry("floe.s3.request-checksum-calculation", "when_required"))
        .doesNotContainKey("floe.s3.response-checksum-validation");
  }

  @Test
  void explicitSettingsBeatR2Presets() {
    Map<String, String> properties =
        properties(
            rest(
                "s3.profile", "r2",
                "s3.region", "wnam",
                "s3.path-style", "false",
                "s3.chunked-encoding", "true",
                "s3.request-checksum-calculation", "when-supported"));

    assertThat(properties)
        .contains(
            entry("client.region", "wnam"),
            entry("s3.path-style-access", "false"),
            entry("s3.chunked-encoding-enabled", "true"),
            entry("floe.s3.request-checksum-calculation", "when_supported"),
            entry("floe.s3.response-checksum-validation", "when_required"));
  }

  @Test
  void passThroughPropertiesReachIcebergAndMayReplaceDefaults() {
    Map<String, String> properties =
        properties(
            rest(
                "s3.multipart.part-size-bytes", "8388608",
                "s3.write.tags.team", "data",
                "catalog.property.http-client.type", "urlconnection",
                "catalog.property.io-impl", "org.apache.iceberg.io.ResolvingFileIO",
                "catalog.property.rest.auth.type", "sigv4"));

    assertThat(properties)
        .contains(
            entry("s3.multipart.part-size-bytes", "8388608"),
            entry("s3.write.tags.team", "data"),
            entry("http-client.type", "urlconnection"),
            entry("io-impl", "org.apache.iceberg.io.ResolvingFileIO"),
            entry("rest.auth.type", "sigv4"));
  }

  @Test
  void localCatalogIsJdbcOnSqliteInTheWarehouse(@TempDir Path dir) {
    Map<String, String> properties =
        properties(
            settings(
                "warehouse", dir.toString(),
                "s3.profile", "r2",
                "s3.multipart.part-size-bytes", "8388608",
                "catalog.property.clients", "4"));

    assertThat(properties)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "uri", "jdbc:sqlite:" + dir.resolve("catalog.db"),
                "warehouse", "file:" + dir,
                "io-impl", "dev.floe.catalog.LocalFileIO",
                "jdbc.schema-version", "V1",
                "jdbc.busy_timeout", "30000",
                "clients", "4"));
  }

  @Test
  void propertyMapPrintsWithoutSecrets() {
    Map<String, String> properties =
        properties(
            rest(
                "catalog.token", "TOKEN-abc",
                "s3.access-key-id", "AKID",
                "s3.secret-access-key", "SECRET-def",
                "s3.session-token", "SESSION-ghi",
                "catalog.property.header.Authorization", "Bearer HEADER-jkl"));

    assertThat(properties).containsEntry("token", "TOKEN-abc");
    assertThat(properties.toString())
        .contains("token=****", "s3.secret-access-key=****", "uri=https://catalog.example.com")
        .doesNotContain("TOKEN-abc", "SECRET-def", "SESSION-ghi", "HEADER-jkl");
  }
}
