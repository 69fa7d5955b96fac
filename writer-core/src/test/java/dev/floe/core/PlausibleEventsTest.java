package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the built-in event schema, well-typed but implausible events (a timestamp in seconds or
 * microseconds, an op no Durable Object sends) are dead-lettered with the likely mistake named,
 * instead of opening partitions decades away from the data.
 */
class PlausibleEventsTest {
  private static final String GOOD =
      "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"%s\",\"timestamp\":%s,\"seq\":%d}";

  @TempDir Path dir;
  private HadoopCatalog catalog;

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
  }

  private static String event(String op, String timestamp, int seq) {
    return String.format(GOOD, op, timestamp, seq);
  }

  @Test
  void implausibleTimestampsAndOpsAreDeadLetteredWithTheLikelyMistake() throws IOException {
    List<String> lines =
        List.of(
            event("PUT", "1767139201000", 1),
            event("PUT", "1767139201", 2),
            event("PUT", "1767139201000000", 3),
            event("PUT", "1767139201000000000", 4),
            event("PUT", "-1000", 5),
            event("PUT", "16725225600000", 6),
            event("PUT", "\"2500-01-01T00:00:00Z\"", 7),
            event("UPSERT", "1767139201000", 8),
            event("", "1767139201000", 9),
            event("put", "1767139201000", 10),
            event("DELETE", "1767139201000", 11),
            event("_internal", "\"2026-12-31T00:00:01Z\"", 12),
            event("PUT", "946684800000", 13),
            event("PUT", "4102444800000", 14));
    Path input = dir.resolve("in.ndjson");
    Files.writeString(input, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    IngestConfig config = IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"));

    IngestResult result = FloeWriter.builder(catalog).config(config).build().ingest(Batch.ofFile(input));

    assertThat(result.eventsWritten()).isEqualTo(4);
    assertThat(reasons(result))
        .containsExactly(
            Map.entry(2, "field 'timestamp' 1767139201 is in 1970, outside 2000-01-01T00:00:00Z to"
                + " 2100-01-01T00:00:00Z: seconds instead of milliseconds?"),
            Map.entry(3, "field 'timestamp' 1767139201000000 is in 57968, outside"
                + " 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z: microseconds instead of milliseconds?"),
            Map.entry(4, "field 'timestamp' 1767139201000000000 is in 56000382, outside"
                + " 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z: nanoseconds instead of milliseconds?"),
            Map.entry(5, "field 'timestamp' -1000 is in 1969, outside 2000-01-01T00:00:00Z to"
                + " 2100-01-01T00:00:00Z"),
            Map.entry(6, "field 'timestamp' 16725225600000 is in 2500, outside 2000-01-01T00:00:00Z"
                + " to 2100-01-01T00:00:00Z"),
            Map.entry(7, "field 'timestamp' '2500-01-01T00:00:00Z' is in 2500, outside"
                + " 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z"),
            Map.entry(8, "field 'op' 'UPSERT' is not one of PUT, DELETE, _internal"),
            Map.entry(9, "field 'op' is empty, not one of PUT, DELETE, _internal"),
            Map.entry(10, "field 'op' 'put' is not one of PUT, DELETE, _internal: 'PUT' (case matters)?"),
            Map.entry(14, "field 'timestamp' 4102444800000 is in 2100, outside 2000-01-01T00:00:00Z"
                + " to 2100-01-01T00:00:00Z"));
  }

  @Test
  void theWindowIsConfigurable() throws IOException {
    Path input = dir.resolve("old.ndjson");
    Files.writeString(input, event("PUT", "1000", 1) + "\n" + event("PUT", "1767139201000", 2) + "\n");
    IngestConfig config =
        IngestConfig.from(
                Settings.of(
                    Map.of("decode.timestamp-min", "1970-01-01", "decode.timestamp-max", "2025-06-01T00:00:00Z"),
                    "test"))
            .withDeadLetterDirectory(dir.resolve("dead"));

    IngestResult result = FloeWriter.builder(catalog).config(config).build().ingest(Batch.ofFile(input));

    assertThat(result.eventsWritten()).isEqualTo(1);
    assertThat(reasons(result))
        .containsExactly(
            Map.entry(2, "field 'timestamp' 1767139201000 is in 2025, outside 1970-01-01T00:00:00Z to"
                + " 2025-06-01T00:00:00Z"));
  }

  private static List<Map.Entry<Integer, String>> reasons(IngestResult result) throws IOException {
    if (result.deadLetters().isEmpty()) {
      return List.of();
    }
    ObjectMapper mapper = new ObjectMapper();
    return Files.readAllLines(Path.of(result.deadLetters().get(0))).stream()
        .map(line -> {
          try {
            JsonNode node = mapper.readTree(line);
            return Map.entry(node.get("line").asInt(), node.get("reason").asText());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .toList();
  }
}
