package dev.floe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.Secret;
import dev.floe.core.config.Settings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogConfigTest {

  static Settings settings(String... keysAndValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Settings.of(map, "test");
  }

  @Test
  void defaultsToLocalCatalogNamedFloeInWorkingDirectory() {
    CatalogConfig config = CatalogConfig.from(Settings.empty());

    assertThat(config.type()).isEqualTo(CatalogType.LOCAL);
    assertThat(config.name()).isEqualTo("floe");
    assertThat(config.uri()).isEmpty();
    assertThat(config.localWarehouse())
        .isEqualTo(Path.of("floe-warehouse").toAbsolutePath().normalize());
    assertThat(config.auth()).isEqualTo(CatalogAuth.none());
    assertThat(config.vendedCredentials()).isFalse();
    assertThat(config.properties()).isEmpty();
    assertThat(config.s3().profile()).isEqualTo(S3Profile.AWS);
    assertThat(config.s3().endpoint()).isEmpty();
    assertThat(config.s3().region()).isEmpty();
    assertThat(config.s3().pathStyle()).isEmpty();
    assertThat(config.s3().chunkedEncoding()).isEmpty();
    assertThat(config.s3().credentials()).isEmpty();
    assertThat(config.s3().requestChecksumCalculation()).isEmpty();
    assertThat(config.s3().responseChecksumValidation()).isEmpty();
  }

  @Test
  void restReadsEveryKey() {
    CatalogConfig config =
        CatalogConfig.from(
            settings(
                "catalog.type", "REST",
                "catalog.name", "lake",
                "catalog.uri", "https://catalog.example.com/api/",
                "warehouse", "acct_bucket",
                "catalog.token", "tok-123",
                "catalog.vended-credentials", "true",
                "s3.endpoint", "https://acct.r2.cloudflarestorage.com",
                "s3.region", "weur",
                "s3.path-style", "false",
                "s3.chunked-encoding", "true",
                "s3.profile", "r2",
                "s3.access-key-id", "AKIDEXAMPLE",
                "s3.secret-access-key", "s3-secret",
                "s3.session-token", "s3-session",
                "s3.request-checksum-calculation", "when-supported",
                "s3.response-checksum-validation", "WHEN_SUPPORTED",
                "s3.multipart.part-size-bytes", "8388608",
                "catalog.property.http-client.type", "urlconnection"));

    assertThat(config.type()).isEqualTo(CatalogType.REST);
    assertThat(config.name()).isEqualTo("lake");
    assertThat(config.uri()).contains(URI.create("https://catalog.example.com/api/"));
    assertThat(config.warehouse()).contains("acct_bucket");
    assertThat(config.auth()).isEqualTo(new CatalogAuth.BearerToken(Secret.of("tok-123")));
    assertThat(config.vendedCredentials()).isTrue();
    assertThat(config.properties()).containsExactly(Map.entry("http-client.type", "urlconnection"));
    S3Config s3 = config.s3();
    assertThat(s3.profile()).isEqualTo(S3Profile.R2);
    assertThat(s3.endpoint()).contains(URI.create("https://acct.r2.cloudflarestorage.com"));
    assertThat(s3.region()).contains("weur");
    assertThat(s3.pathStyle()).contains(false);
    assertThat(s3.chunkedEncoding()).contains(true);
    assertThat(s3.credentials())
        .contains(
            new S3Config.Credentials(
                "AKIDEXAMPLE", Secret.of("s3-secret"), Optional.of(Secret.of("s3-session"))));
    assertThat(s3.requestChecksumCalculation()).contains(ChecksumMode.WHEN_SUPPORTED);
    assertThat(s3.responseChecksumValidation()).contains(ChecksumMode.WHEN_SUPPORTED);
    assertThat(s3.properties())
        .containsExactly(Map.entry("s3.multipart.part-size-bytes", "8388608"));
  }

  @Test
  void r2ProfilePresetsQuirks() {
    S3Config s3 = S3Config.from(settings("s3.profile", "r2"));

    assertThat(s3.region()).contains("auto");
    assertThat(s3.pathStyle()).contains(true);
    assertThat(s3.chunkedEncoding()).contains(false);
    assertThat(s3.requestChecksumCalculation()).contains(ChecksumMode.WHEN_REQUIRED);
    assertThat(s3.responseChecksumValidation()).contains(ChecksumMode.WHEN_REQUIRED);
  }

  @Test
  void minioProfilePresetsPathStyleAndRegion() {
    S3Config s3 = S3Config.from(settings("s3.profile", "minio"));

    assertThat(s3.region()).contains("us-east-1");
    assertThat(s3.pathStyle()).contains(true);
    assertThat(s3.chunkedEncoding()).isEmpty();
    assertThat(s3.requestChecksumCalculation()).isEmpty();
    assertThat(s3.responseChecksumValidation()).isEmpty();
  }

  @Test
  void awsProfilePresetsNothing() {
    S3Config s3 = S3Config.from(settings("s3.profile", "aws"));

    assertThat(s3)
        .isEqualTo(
            new S3Config(
                S3Profile.AWS,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of()));
  }

  @Test
  void explicitSettingsBeatProfilePresets() {
    S3Config r2 =
        S3Config.from(
            settings(
                "s3.profile", "r2",
                "s3.region", "eeur",
                "s3.path-style", "false",
                "s3.chunked-encoding", "true",
                "s3.request-checksum-calculation", "when-supported"));

    assertThat(r2.region()).contains("eeur");
    assertThat(r2.pathStyle()).contains(false);
    assertThat(r2.chunkedEncoding()).contains(true);
    assertThat(r2.requestChecksumCalculation()).contains(ChecksumMode.WHEN_SUPPORTED);
    assertThat(r2.responseChecksumValidation()).contains(ChecksumMode.WHEN_REQUIRED);

    S3Config minio = S3Config.from(settings("s3.profile", "minio", "s3.region", "eu-central-1"));
    assertThat(minio.region()).contains("eu-central-1");
  }

  @Test
  void readsEnvironmentVariables(@TempDir Path dir) throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), "file-token\n");
    Map<String, String> env =
        Map.of(
            "FLOE_CATALOG_TYPE", "rest",
            "FLOE_CATALOG_URI", "https://catalog.cloudflarestorage.com/acct/bucket",
            "FLOE_WAREHOUSE", "acct_bucket",
            "FLOE_CATALOG_TOKEN_FILE", tokenFile.toString(),
            "FLOE_CATALOG_VENDED_CREDENTIALS", "yes",
            "FLOE_S3_PROFILE", "r2",
            "FLOE_S3_PATH_STYLE", "off",
            "AWS_ACCESS_KEY_ID", "AKIDENV",
            "AWS_SECRET_ACCESS_KEY", "env-secret",
            "UNRELATED", "ignored");

    CatalogConfig config =
        CatalogConfig.from(Settings.empty().withEnvironment(env, CatalogConfig.keys()));

    assertThat(config.type()).isEqualTo(CatalogType.REST);
    assertThat(config.uri())
        .contains(URI.create("https://catalog.cloudflarestorage.com/acct/bucket"));
    assertThat(config.warehouse()).contains("acct_bucket");
    assertThat(config.auth()).isEqualTo(new CatalogAuth.BearerToken(Secret.of("file-token")));
    assertThat(config.vendedCredentials()).isTrue();
    assertThat(config.s3().profile()).isEqualTo(S3Profile.R2);
    assertThat(config.s3().pathStyle()).contains(false);
    assertThat(config.s3().credentials())
        .contains(new S3Config.Credentials("AKIDENV", Secret.of("env-secret"), Optional.empty()));
  }

  @Test
  void readsOAuth2ClientCredentialsFromEnvironment() {
    Map<String, String> env =
        Map.of(
            "FLOE_CATALOG_TYPE", "rest",
            "FLOE_CATALOG_URI", "http://127.0.0.1:8181",
            "FLOE_CATALOG_OAUTH2_CLIENT_ID", "floe-writer",
            "FLOE_CATALOG_OAUTH2_CLIENT_SECRET", "client-secret",
            "FLOE_CATALOG_OAUTH2_SERVER_URI", "https://idp.example.com/oauth/token",
            "FLOE_CATALOG_OAUTH2_SCOPE", "PRINCIPAL_ROLE:ALL");

    CatalogConfig config =
        CatalogConfig.from(Settings.empty().withEnvironment(env, CatalogConfig.keys()));

    assertThat(config.auth())
        .isEqualTo(
            new CatalogAuth.ClientCredentials(
                "floe-writer",
                Secret.of("client-secret"),
                Optional.of(URI.create("https://idp.example.com/oauth/token")),
                Optional.of("PRINCIPAL_ROLE:ALL")));
  }

  @Test
  void keysCoverEveryEnvironmentNameItReads() {
    assertThat(CatalogConfig.keys())
        .contains(
            "catalog.type",
            "catalog.name",
            "catalog.uri",
            "warehouse",
            "catalog.token",
            "catalog.token-file",
            "catalog.oauth2.client-id",
            "catalog.oauth2.client-secret",
            "catalog.oauth2.client-secret-file",
            "catalog.oauth2.server-uri",
            "catalog.oauth2.scope",
            "catalog.vended-credentials",
            "s3.endpoint",
            "s3.region",
            "s3.path-style",
            "s3.chunked-encoding",
            "s3.profile",
            "s3.access-key-id",
            "s3.secret-access-key",
            "s3.secret-access-key-file",
            "s3.session-token",
            "s3.session-token-file",
            "s3.request-checksum-calculation",
            "s3.response-checksum-validation",
            "transport.allow-plaintext",
            "transport.ca-bundle")
        .hasSize(26);
  }

  @Test
  void marksCredentialKeysSecret() {
    assertThat(CatalogConfig.keys().stream().filter(CatalogConfig::isSecret))
        .containsExactlyInAnyOrder(
            "catalog.token",
            "catalog.oauth2.client-secret",
            "s3.secret-access-key",
            "s3.session-token");
    assertThat(CatalogConfig.isSecret("catalog.property.header.Authorization")).isTrue();
    assertThat(CatalogConfig.isSecret("catalog.property.rest.auth.basic.password")).isTrue();
    assertThat(CatalogConfig.isSecret("s3.sse.key")).isTrue();
    assertThat(CatalogConfig.isSecret("catalog.token-file")).isFalse();
    assertThat(CatalogConfig.isSecret("catalog.property.http-client.type")).isFalse();
    assertThat(CatalogConfig.isSecret("s3.multipart.part-size-bytes")).isFalse();
  }

  @Test
  void flagsRefuseSecretKeys() {
    assertThatThrownBy(
            () -> Settings.empty().withFlags(Map.of("catalog.token", "t"), CatalogConfig::isSecret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("catalog.token")
        .hasMessageContaining("FLOE_CATALOG_TOKEN")
        .hasMessageNotContaining("=t");
  }

  @Test
  void localWarehouseIsMadeAbsoluteAndAcceptsFileUris(@TempDir Path dir) {
    assertThat(CatalogConfig.from(settings("warehouse", "data/wh")).localWarehouse())
        .isEqualTo(Path.of("data/wh").toAbsolutePath().normalize());
    assertThat(CatalogConfig.from(settings("warehouse", dir.toUri().toString())).localWarehouse())
        .isEqualTo(dir.toAbsolutePath());
  }

  @Test
  void restWarehouseIsOptional() {
    CatalogConfig config =
        CatalogConfig.from(
            settings("catalog.type", "rest", "catalog.uri", "http://localhost:8181"));

    assertThat(config.warehouse()).isEmpty();
  }

  @Test
  void toStringHidesSecrets() {
    CatalogConfig bearer =
        CatalogConfig.from(
            settings(
                "catalog.type", "rest",
                "catalog.uri", "https://catalog.example.com",
                "catalog.token", "TOKEN-SECRET-1",
                "s3.access-key-id", "AKIDVISIBLE",
                "s3.secret-access-key", "S3-SECRET-2",
                "s3.session-token", "SESSION-SECRET-3",
                "catalog.property.header.Authorization", "Basic HEADER-SECRET-4",
                "s3.sse.key", "SSE-SECRET-5"));
    CatalogConfig oauth2 =
        CatalogConfig.from(
            settings(
                "catalog.type", "rest",
                "catalog.uri", "https://catalog.example.com",
                "catalog.oauth2.client-id", "client",
                "catalog.oauth2.client-secret", "CLIENT-SECRET-6"));

    assertThat(bearer.toString())
        .contains("https://catalog.example.com", "AKIDVISIBLE", "****")
        .doesNotContain("TOKEN-SECRET-1", "S3-SECRET-2", "SESSION-SECRET-3")
        .doesNotContain("HEADER-SECRET-4", "SSE-SECRET-5");
    assertThat(oauth2.toString()).contains("client").doesNotContain("CLIENT-SECRET-6");
  }
}
