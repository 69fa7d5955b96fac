package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import dev.floe.core.decode.TimestampWindow;
import dev.floe.core.schema.EventSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decode.timestamp-* keys and the built-in schema's op rule, as IngestConfig reads them. */
class IngestConfigRulesTest {
  @Test
  void defaultsAreTheCenturyWindowAndTheEventOps() {
    IngestConfig config = IngestConfig.defaults();

    assertThat(config.rules().timestamps()).isEqualTo(TimestampWindow.defaults());
    assertThat(config.rules().allowedValues()).isEqualTo(Map.of("op", List.of("PUT", "DELETE", "_internal")));
    assertThat(IngestConfig.keys())
        .contains("decode.timestamp-min", "decode.timestamp-max", "decode.timestamp-max-past", "decode.timestamp-max-future");
  }

  @Test
  void everyKeyMapsOntoTheWindow() {
    IngestConfig config =
        IngestConfig.from(
            Settings.of(
                Map.of(
                    IngestConfig.TIMESTAMP_MIN, "2020-01-01",
                    IngestConfig.TIMESTAMP_MAX, "2030-06-01T12:00:00+02:00",
                    IngestConfig.TIMESTAMP_MAX_PAST, "30d",
                    IngestConfig.TIMESTAMP_MAX_FUTURE, "1h"),
                "test"));

    assertThat(config.rules().timestamps())
        .isEqualTo(
            new TimestampWindow(
                Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2030-06-01T10:00:00Z"),
                Optional.of(Duration.ofDays(30)),
                Optional.of(Duration.ofHours(1))));
  }

  @Test
  void aSchemaFileBringsNoOpRule(@TempDir Path dir) throws Exception {
    Path schema = Files.writeString(dir.resolve("s.json"), "{\"op\": {\"type\": \"string\"}, \"timestamp\": {\"type\": \"timestamp\"}}");
    IngestConfig config = IngestConfig.from(Settings.of(Map.of(IngestConfig.SCHEMA_FILE, schema.toString()), "test"));

    assertThat(config.rules().allowedValues()).isEmpty();
    assertThat(EventSchemas.DEFAULT_OPS).containsExactly("PUT", "DELETE", "_internal");
  }

  @Test
  void invalidWindowsNameKeyAndOrigin() {
    assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of(IngestConfig.TIMESTAMP_MIN, "last year"), "test")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for decode.timestamp-min (test): 'last year': expected an RFC 3339 timestamp such as"
                + " 2000-01-01T00:00:00Z, or a date");
    assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of(IngestConfig.TIMESTAMP_MAX, "1999-01-01"), "test")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for decode.timestamp-min (default) and decode.timestamp-max (test): Invalid timestamp"
                + " window: min 2000-01-01T00:00:00Z is not before max 1999-01-01T00:00:00Z");
  }

  @Test
  void aRelativeBoundThatIsNotPositiveIsNamedByItsKeyOrByTheWindowsField() {
    assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of(IngestConfig.TIMESTAMP_MAX_FUTURE, "-1h"), "test")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Invalid value for decode.timestamp-max-future (test): PT-1H (must be positive)");
    assertThatThrownBy(() -> new TimestampWindow(
            TimestampWindow.DEFAULT_MIN, TimestampWindow.DEFAULT_MAX, Optional.of(Duration.ZERO), Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Invalid value for maxPast: PT0S (must be positive)");
  }
}
