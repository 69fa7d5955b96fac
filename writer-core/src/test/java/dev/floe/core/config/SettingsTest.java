package dev.floe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  private static final Set<String> KNOWN = Set.of("catalog.type", "s3.path-style", "write.target-file-size", "s3.secret-access-key", "table");

  @TempDir Path dir;

  @Test
  void laterLayersOverrideEarlierOnesAndRememberTheirOrigin() throws Exception {
    Path file = dir.resolve("floe.properties");
    Files.writeString(file, "catalog.type=rest\ntable=a.b\nwrite.target-file-size=64MB\n");
    Map<String, String> flags = new HashMap<>();
    flags.put("table", "c.d");
    Settings settings =
        Settings.fromFile(file)
            .withEnvironment(Map.of("FLOE_CATALOG_TYPE", "local", "PATH", "/bin"), KNOWN)
            .withFlags(flags, key -> false);

    assertThat(settings.string("catalog.type")).contains("local");
    assertThat(settings.origin("catalog.type")).isEqualTo("environment variable FLOE_CATALOG_TYPE");
    assertThat(settings.string("table")).contains("c.d");
    assertThat(settings.origin("table")).isEqualTo("command line");
    assertThat(settings.size("write.target-file-size", DataSize.ofBytes(1))).isEqualTo(DataSize.ofMegabytes(64));
    assertThat(settings.origin("write.target-file-size")).isEqualTo("config file " + file);
    assertThat(settings.keys()).doesNotContain("path");
  }

  @Test
  void environmentNamesDeriveFromKeys() {
    assertThat(Settings.environmentName("s3.path-style")).isEqualTo("FLOE_S3_PATH_STYLE");
    assertThat(Settings.environmentName("write.target-file-size")).isEqualTo("FLOE_WRITE_TARGET_FILE_SIZE");
    Settings settings = Settings.empty().withEnvironment(Map.of("FLOE_S3_PATH_STYLE", "true"), KNOWN);
    assertThat(settings.bool("s3.path-style", false)).isTrue();
  }

  @Test
  void awsCredentialVariablesMapOntoS3KeysUnlessFloeNamesAreSet() {
    Settings aws = Settings.empty().withEnvironment(Map.of("AWS_SECRET_ACCESS_KEY", "from-aws"), KNOWN);
    assertThat(aws.secret("s3.secret-access-key")).map(Secret::reveal).contains("from-aws");

    Settings both =
        Settings.empty()
            .withEnvironment(
                Map.of("AWS_SECRET_ACCESS_KEY", "from-aws", "FLOE_S3_SECRET_ACCESS_KEY", "from-floe"), KNOWN);
    assertThat(both.secret("s3.secret-access-key")).map(Secret::reveal).contains("from-floe");
  }

  @Test
  void secretsComeFromAFileToo() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cr3t-value\n");
    Settings settings = Settings.of(Map.of("catalog.token-file", token.toString()), "test");
    assertThat(settings.secret("catalog.token")).map(Secret::reveal).contains("s3cr3t-value");
    assertThat(settings.secret("catalog.token").orElseThrow().toString()).isEqualTo("****");
  }

  @Test
  void aMissingSecretFileIsReportedWithItsOrigin() {
    Settings settings = Settings.of(Map.of("catalog.token-file", dir.resolve("nope").toString()), "config file x");
    assertThatThrownBy(() -> settings.secret("catalog.token"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read secret file for catalog.token (config file x)");
  }

  @Test
  void flagsRefuseSecrets() {
    Map<String, String> flags = Map.of("s3.secret-access-key", "abc");
    assertThatThrownBy(() -> Settings.empty().withFlags(flags, key -> key.contains("secret")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid option for s3.secret-access-key: secrets are not accepted on the command line")
        .hasMessageContaining("FLOE_S3_SECRET_ACCESS_KEY")
        .hasMessageNotContaining("abc");
  }

  @Test
  void invalidValuesNameKeyValueAndOrigin() {
    Settings settings = Settings.empty().withEnvironment(Map.of("FLOE_WRITE_TARGET_FILE_SIZE", "huge"), KNOWN);
    assertThatThrownBy(() -> settings.size("write.target-file-size", DataSize.ofBytes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid value for write.target-file-size (environment variable FLOE_WRITE_TARGET_FILE_SIZE): 'huge'");
  }

  @Test
  void durationsInShortAndIsoForms() {
    assertThat(Settings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Settings.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Settings.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Settings.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Settings.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> Settings.parseDuration("5 fortnights"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a duration such as 30s, 5m, 2h, 7d or PT1H");
  }

  @Test
  void durationsAreWrittenInTheShortFormTheyAreReadIn() {
    assertThat(Settings.formatDuration(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(Settings.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Settings.formatDuration(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Settings.formatDuration(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Settings.formatDuration(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Settings.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Settings.formatDuration(Duration.ZERO)).isEqualTo("0s");
    for (String text : new String[] {"10s", "90s", "5m", "2h", "7d", "1500ms", "0s"}) {
      assertThat(Settings.formatDuration(Settings.parseDuration(text))).isEqualTo(text);
    }
  }

  @Test
  void toStringShowsKeysButNoValues() {
    Settings settings = Settings.of(Map.of("s3.secret-access-key", "very-secret"), "test");
    assertThat(settings.toString()).contains("s3.secret-access-key").doesNotContain("very-secret");
  }
}
