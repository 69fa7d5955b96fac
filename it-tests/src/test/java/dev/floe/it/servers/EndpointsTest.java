package dev.floe.it.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.floe.core.config.Secret;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  private static final Map<String, String> EXTERNAL =
      Map.of(
          "FLOE_IT_S3_ENDPOINT", "https://account.r2.cloudflarestorage.com",
          "FLOE_IT_CATALOG_URI", "https://catalog.example/account/bucket",
          "FLOE_IT_S3_ACCESS_KEY_ID", "key-id",
          "FLOE_IT_S3_SECRET_ACCESS_KEY", "s3-secret",
          "FLOE_IT_BUCKET", "bucket",
          "FLOE_IT_WAREHOUSE", "account_bucket");

  @Test
  void noExternalEndpointsWhenNeitherIsSet() {
    assertThat(Endpoints.fromEnvironment(Map.of("FLOE_IT_BUCKET", "bucket"))).isEmpty();
  }

  @Test
  void externalEndpointsFromEnvironmentWithDefaults() {
    Endpoints endpoints = Endpoints.fromEnvironment(EXTERNAL).orElseThrow();

    assertThat(endpoints)
        .isEqualTo(
            new Endpoints(
                URI.create("https://account.r2.cloudflarestorage.com"),
                "us-east-1",
                "key-id",
                Secret.of("s3-secret"),
                "bucket",
                "account_bucket",
                URI.create("https://catalog.example/account/bucket"),
                Optional.empty(),
                Optional.empty(),
                false));
  }

  @Test
  void externalEndpointsWithRegionAndToken() {
    Map<String, String> env = new HashMap<>(EXTERNAL);
    env.put("FLOE_IT_S3_REGION", "auto");
    env.put("FLOE_IT_CATALOG_TOKEN", "catalog-token");

    Endpoints endpoints = Endpoints.fromEnvironment(env).orElseThrow();

    assertThat(endpoints.region()).isEqualTo("auto");
    assertThat(endpoints.catalogToken()).contains(Secret.of("catalog-token"));
    assertThat(endpoints.catalogProperties()).containsEntry("token", "catalog-token");
  }

  @Test
  void incompleteExternalEndpointsNameEveryMissingVariable() {
    Map<String, String> env = new HashMap<>(EXTERNAL);
    env.remove("FLOE_IT_CATALOG_URI");
    env.put("FLOE_IT_BUCKET", "  ");

    assertThatThrownBy(() -> Endpoints.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid integration-test environment: FLOE_IT_CATALOG_URI, FLOE_IT_BUCKET not set;");
  }

  @Test
  void catalogPropertiesConfigureRestCatalogWithS3FileIo() {
    Endpoints endpoints = Endpoints.fromEnvironment(EXTERNAL).orElseThrow();

    assertThat(endpoints.catalogProperties())
        .containsExactly(
            entry("uri", "https://catalog.example/account/bucket"),
            entry("warehouse", "account_bucket"),
            entry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO"),
            entry("s3.endpoint", "https://account.r2.cloudflarestorage.com"),
            entry("s3.path-style-access", "true"),
            entry("s3.access-key-id", "key-id"),
            entry("s3.secret-access-key", "s3-secret"),
            entry("client.region", "us-east-1"));
  }

  @Test
  void toStringHidesSecrets() {
    Map<String, String> env = new HashMap<>(EXTERNAL);
    env.put("FLOE_IT_CATALOG_TOKEN", "catalog-token");

    String text = Endpoints.fromEnvironment(env).orElseThrow().toString();

    assertThat(text).contains("key-id", "bucket").doesNotContain("s3-secret", "catalog-token");
  }
}
