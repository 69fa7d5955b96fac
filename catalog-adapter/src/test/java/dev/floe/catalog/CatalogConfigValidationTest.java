package dev.floe.catalog;

import static dev.floe.catalog.CatalogConfigTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.floe.core.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogConfigValidationTest {
  private static final String TOKEN = "TOKEN-c0ffee-1";
  private static final String CLIENT_SECRET = "CLIENT-c0ffee-2";
  private static final String S3_SECRET = "S3SECRET-c0ffee-3";
  private static final String SESSION = "SESSION-c0ffee-4";
  private static final List<String> SECRETS = List.of(TOKEN, CLIENT_SECRET, S3_SECRET, SESSION);

  private static Settings env(Map<String, String> env) {
    return Settings.empty().withEnvironment(env, CatalogConfig.keys());
  }

  @Test
  void restNeedsUri() {
    assertThatThrownBy(() -> CatalogConfig.from(settings("catalog.type", "rest")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: catalog.uri is required when catalog.type=rest"
                + " (set FLOE_CATALOG_URI, or catalog.uri in the config file)");
  }

  @Test
  void rejectsUnknownCatalogTypeNamingItsOrigin() {
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("FLOE_CATALOG_TYPE", "hive"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for catalog.type (environment variable FLOE_CATALOG_TYPE): 'hive':"
                + " expected local or rest");
  }

  @Test
  void rejectsMalformedValues() {
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    env(Map.of("FLOE_CATALOG_TYPE", "rest", "FLOE_CATALOG_URI", "ftp://host/x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for catalog.uri (environment variable FLOE_CATALOG_URI):"
                + " 'ftp://host/x': expected an http:// or https:// URL with a host");
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("FLOE_S3_PROFILE", "gcs"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for s3.profile (environment variable FLOE_S3_PROFILE): 'gcs':"
                + " expected aws, r2 or minio");
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("FLOE_S3_ENDPOINT", "localhost:9000"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid value for s3.endpoint (environment variable FLOE_S3_ENDPOINT):"
                + " 'localhost:9000'");
    assertThatThrownBy(
            () -> CatalogConfig.from(env(Map.of("FLOE_S3_REQUEST_CHECKSUM_CALCULATION", "never"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for s3.request-checksum-calculation (environment variable"
                + " FLOE_S3_REQUEST_CHECKSUM_CALCULATION): 'never': expected when-supported or"
                + " when-required");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    settings(
                        "catalog.type", "rest",
                        "catalog.uri", "http://localhost:8181",
                        "catalog.vended-credentials", "maybe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for catalog.vended-credentials (test): 'maybe': expected true or false");
    assertThatThrownBy(() -> CatalogConfig.from(settings("catalog.name", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value for catalog.name (test): it is blank");
  }

  @Test
  void localCatalogRejectsRestSettingsInsteadOfIgnoringThem() {
    assertThatThrownBy(
            () ->
                CatalogConfig.from(env(Map.of("FLOE_CATALOG_URI", "https://catalog.example.com"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: catalog.uri is set (environment variable FLOE_CATALOG_URI) but"
                + " catalog.type is local (default); set FLOE_CATALOG_TYPE=rest to use a REST"
                + " catalog, or remove catalog.uri");
    assertThatThrownBy(() -> CatalogConfig.from(settings("catalog.token", TOKEN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid config: catalog.token is set (test) but catalog.type is");
    assertThatThrownBy(() -> CatalogConfig.from(settings("catalog.vended-credentials", "true")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid config: catalog.vended-credentials is set (test)");
  }

  @Test
  void localWarehouseMustBeADirectory() {
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("FLOE_WAREHOUSE", "s3://bucket/wh"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for warehouse (environment variable FLOE_WAREHOUSE): 's3://bucket/wh':"
                + " a local catalog keeps its tables in a local directory; for object storage set"
                + " catalog.type=rest");
    assertThatThrownBy(() -> CatalogConfig.from(settings("warehouse", "/tmp/what?mode=ro")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain '?'");
  }

  @Test
  void rejectsIncompleteOrConflictingAuth() {
    assertThatThrownBy(
            () -> CatalogConfig.from(rest("catalog.oauth2.client-secret", CLIENT_SECRET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: catalog.oauth2.client-id is required when catalog.oauth2.client-secret"
                + " is set (set FLOE_CATALOG_OAUTH2_CLIENT_ID, or catalog.oauth2.client-id in the"
                + " config file)");
    assertThatThrownBy(() -> CatalogConfig.from(rest("catalog.oauth2.client-id", "writer")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid config: catalog.oauth2.client-secret is required when"
                + " catalog.oauth2.client-id is set (set FLOE_CATALOG_OAUTH2_CLIENT_SECRET");
    assertThatThrownBy(() -> CatalogConfig.from(rest("catalog.oauth2.scope", "catalog")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid config: catalog.oauth2.client-id is required when catalog.oauth2.scope is"
                + " set");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest(
                        "catalog.token", TOKEN,
                        "catalog.oauth2.client-id", "writer",
                        "catalog.oauth2.client-secret", CLIENT_SECRET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: set either catalog.token (test) or OAuth2 client credentials"
                + " (catalog.oauth2.client-id, test), not both");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest(
                        "catalog.oauth2.client-id",
                        "a:b",
                        "catalog.oauth2.client-secret",
                        CLIENT_SECRET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid value for catalog.oauth2.client-id (test): it must not contain ':'");
  }

  @Test
  void rejectsIncompleteS3Credentials() {
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("AWS_ACCESS_KEY_ID", "AKID"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: s3.secret-access-key is required when s3.access-key-id is set"
                + " (set FLOE_S3_SECRET_ACCESS_KEY, or s3.secret-access-key in the config file)");
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("AWS_SECRET_ACCESS_KEY", S3_SECRET))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid config: s3.access-key-id is required when s3.secret-access-key is set");
    assertThatThrownBy(() -> CatalogConfig.from(env(Map.of("AWS_SESSION_TOKEN", SESSION))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid config: s3.access-key-id is required when s3.session-token is set");
  }

  @Test
  void rejectsTyposInOwnedNamespaces() {
    assertThatThrownBy(() -> CatalogConfig.from(settings("catalog.tokn", TOKEN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid config: unknown key catalog.tokn (test); catalog keys are catalog.name,");
    assertThatThrownBy(() -> CatalogConfig.from(settings("s3.path-style-acess", "true")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid config: unknown key s3.path-style-acess (test)")
        .hasMessageEndingWith(
            "nor an Iceberg S3FileIO property; to pass it to Iceberg anyway, set"
                + " catalog.property.s3.path-style-acess");
  }

  @Test
  void passThroughCannotOverrideWhatFloeDerives() {
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest("s3.profile", "r2", "catalog.property.client.region", "weur")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: catalog.property.client.region cannot be passed to Iceberg: floe sets"
                + " Iceberg property client.region from s3.region; set s3.region instead");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(rest("s3.path-style", "true", "s3.path-style-access", "false")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: s3.path-style-access cannot be passed to Iceberg: floe sets Iceberg"
                + " property s3.path-style-access from s3.path-style; set s3.path-style instead");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest("catalog.token", TOKEN, "catalog.property.token", "OTHER-" + TOKEN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("floe sets Iceberg property token from catalog.token");
    assertThatThrownBy(
            () ->
                CatalogConfig.from(
                    rest("s3.acl", "private", "catalog.property.s3.acl", "public-read")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid config: s3.acl and catalog.property.s3.acl set Iceberg property s3.acl to"
                + " different values; keep one");
  }

  static Stream<Arguments> invalidConfigsHoldingSecrets() {
    return Stream.of(
        Arguments.of(
            "token and oauth2",
            rest(
                "catalog.token", TOKEN,
                "catalog.oauth2.client-id", "writer",
                "catalog.oauth2.client-secret", CLIENT_SECRET,
                "s3.secret-access-key", S3_SECRET)),
        Arguments.of("token with local catalog", settings("catalog.token", TOKEN)),
        Arguments.of(
            "secret key without key id",
            rest("s3.secret-access-key", S3_SECRET, "s3.session-token", SESSION)),
        Arguments.of(
            "session token alone", rest("catalog.token", TOKEN, "s3.session-token", SESSION)),
        Arguments.of(
            "pass-through secret collides",
            rest("catalog.token", TOKEN, "catalog.property.token", CLIENT_SECRET)),
        Arguments.of(
            "secret header with bad uri",
            settings(
                "catalog.type", "rest",
                "catalog.uri", "nonsense",
                "catalog.property.header.Authorization", TOKEN)),
        Arguments.of(
            "typo next to secrets",
            rest(
                "catalog.token", TOKEN,
                "s3.access-key-id", "AKID",
                "s3.secret-access-key", S3_SECRET,
                "s3.sesion-token", SESSION)),
        Arguments.of(
            "client id with colon",
            rest(
                "catalog.oauth2.client-id",
                "id:" + TOKEN,
                "catalog.oauth2.client-secret",
                CLIENT_SECRET)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigsHoldingSecrets")
  void errorsNeverShowSecrets(String description, Settings settings) {
    Throwable error = catchThrowable(() -> CatalogConfig.from(settings));

    assertThat(error).isInstanceOf(IllegalArgumentException.class);
    List<String> texts = new ArrayList<>();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      texts.add(cause.toString());
    }
    assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(SECRETS));
  }

  static Settings rest(String... keysAndValues) {
    String[] all = new String[keysAndValues.length + 4];
    all[0] = "catalog.type";
    all[1] = "rest";
    all[2] = "catalog.uri";
    all[3] = "https://catalog.example.com";
    System.arraycopy(keysAndValues, 0, all, 4, keysAndValues.length);
    return settings(all);
  }
}
