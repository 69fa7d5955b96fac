package dev.floe.core.decode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.schema.EventSchemas;
import dev.floe.core.schema.StreamDefinition;
import dev.floe.core.schema.StreamDefinitions;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * The timestamp window and allowed values give the same rejects on the fast path as on the
 * Jackson path: the fast decoder leaves every implausible line to Jackson, which words the reason.
 */
class PlausibleValuesTest {
  private static final Schema SCHEMA = EventSchemas.defaultSchema();
  private static final ValueRules RULES =
      new ValueRules(TimestampWindow.defaults(), Map.of("op", EventSchemas.DEFAULT_OPS));

  private static String line(String op, String timestamp) {
    return "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"" + op + "\",\"timestamp\":" + timestamp + ",\"seq\":1}";
  }

  @Test
  void theFastPathTakesPlausibleLinesAndLeavesTheRestToJackson() {
    Columns columns = Columns.of(SCHEMA, RULES);
    FastLineDecoder fast = new FastLineDecoder(columns, DecodeLimits.defaults());
    EventRow row = new EventRow(SCHEMA, columns);
    for (String good :
        List.of(line("PUT", "946684800000"), line("DELETE", "4102444799999"), line("_internal", "1767139201000"))) {
      byte[] bytes = good.getBytes(UTF_8);
      assertThat(fast.decode(bytes, 0, bytes.length, row)).as(good).isTrue();
    }
    for (String bad :
        List.of(
            line("PUT", "946684799999"),
            line("PUT", "4102444800000"),
            line("PUT", "1767139201"),
            line("PUTX", "1767139201000"),
            line("PU", "1767139201000"),
            line("", "1767139201000"),
            line("delete", "1767139201000"))) {
      byte[] bytes = bad.getBytes(UTF_8);
      assertThat(fast.decode(bytes, 0, bytes.length, row)).as(bad).isFalse();
    }
  }

  @Test
  void bothPathsGiveTheSameRejects() {
    String input =
        String.join(
            "\n",
            line("PUT", "1767139201000"),
            line("PUT", "1767139201"),
            line("PUT", "1767139201000000"),
            line("PUT", "-1"),
            line("PUT", "\"1999-12-31T23:59:59.999Z\""),
            line("PUT", "\"2000-01-01T00:00:00Z\""),
            line("MERGE", "1767139201000"),
            line("Put", "1767139201000"),
            line("", "1767139201000"),
            line("PUT", "9223372036854775807"));
    EventDecoder decoder = new EventDecoder(SCHEMA, DecodeLimits.defaults(), RULES);
    byte[] bytes = input.getBytes(UTF_8);
    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    decoder.decode("s", new ByteArrayInputStream(bytes), records::add, rejects::add);
    List<Record> rows = new ArrayList<>();
    List<Reject> rowRejects = new ArrayList<>();
    decoder.decodeRows("s", new ByteArrayInputStream(bytes), row -> rows.add(row.copy()), rowRejects::add);

    assertThat(rows).isEqualTo(records).hasSize(2);
    assertThat(rowRejects).isEqualTo(rejects);
    assertThat(rejects)
        .extracting(Reject::reason)
        .containsExactly(
            "field 'timestamp' 1767139201 is in 1970, outside 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z:"
                + " seconds instead of milliseconds?",
            "field 'timestamp' 1767139201000000 is in 57968, outside 2000-01-01T00:00:00Z to"
                + " 2100-01-01T00:00:00Z: microseconds instead of milliseconds?",
            "field 'timestamp' -1 is in 1969, outside 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z",
            "field 'timestamp' '1999-12-31T23:59:59.999Z' is in 1999, outside 2000-01-01T00:00:00Z to"
                + " 2100-01-01T00:00:00Z",
            "field 'op' 'MERGE' is not one of PUT, DELETE, _internal",
            "field 'op' 'Put' is not one of PUT, DELETE, _internal: 'PUT' (case matters)?",
            "field 'op' is empty, not one of PUT, DELETE, _internal",
            "field 'timestamp' 9223372036854775807 is in 292278994, outside 2000-01-01T00:00:00Z to"
                + " 2100-01-01T00:00:00Z");
  }

  @Test
  void bothPathsAgreeOnTimestampFormatsUnitsAndNestedTypes() {
    StreamDefinition stream =
        StreamDefinitions.parse(
            "{\"name\": \"s\", \"format\": {\"type\": \"json\", \"timestamp_format\": \"rfc3339\"},"
                + " \"schema\": {\"fields\": [{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true},"
                + " {\"name\": \"n\", \"type\": \"struct\", \"fields\": [{\"name\": \"l\", \"type\": \"list\","
                + " \"element\": {\"type\": \"int32\"}}]}]}}",
            "s.json");
    StreamDefinition seconds =
        StreamDefinitions.parse(
            "{\"fields\": [{\"name\": \"ts\", \"type\": \"timestamp\", \"unit\": \"second\"}]}", "u.json");
    String rfcInput =
        String.join(
            "\n",
            "{\"ts\":\"2026-12-03T10:00:00Z\",\"n\":{\"l\":[1,2]}}",
            "{\"ts\":1767139201000}",
            "{\"ts\":\"2026-12-03T10:00:00Z\",\"n\":{\"l\":[1,\"x\"]}}",
            "{\"ts\":\"2026-12-03T10:00:00Z\",\"n\":{\"l\":[1],\"l\":[2]}}");
    String secondsInput = String.join("\n", "{\"ts\":1767139201}", "{\"ts\":1767139201000}");

    assertSamePaths(stream.schema(), stream.rules(TimestampWindow.defaults()), rfcInput, 1);
    assertSamePaths(seconds.schema(), seconds.rules(TimestampWindow.defaults()), secondsInput, 1);
  }

  private static void assertSamePaths(Schema schema, ValueRules rules, String input, int valid) {
    EventDecoder decoder = new EventDecoder(schema, DecodeLimits.defaults(), rules);
    byte[] bytes = input.getBytes(UTF_8);
    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    decoder.decode("s", new ByteArrayInputStream(bytes), records::add, rejects::add);
    List<Record> rows = new ArrayList<>();
    List<Reject> rowRejects = new ArrayList<>();
    decoder.decodeRows("s", new ByteArrayInputStream(bytes), row -> rows.add(row.copy()), rowRejects::add);
    assertThat(rows).isEqualTo(records).hasSize(valid);
    assertThat(rowRejects).isEqualTo(rejects).isNotEmpty();
  }

  @Test
  void withoutRulesOnlyTypesAreChecked() {
    EventDecoder decoder = new EventDecoder(SCHEMA, DecodeLimits.defaults());
    List<Reject> rejects = new ArrayList<>();
    List<Record> records = new ArrayList<>();
    byte[] bytes = (line("UPSERT", "1") + "\n").getBytes(UTF_8);
    decoder.decodeRows("s", new ByteArrayInputStream(bytes), row -> records.add(row.copy()), rejects::add);
    assertThat(rejects).isEmpty();
    assertThat(records).hasSize(1);
  }

  @Test
  void aRelativeWindowIsResolvedAtTheRunsStart() {
    Instant now = Instant.parse("2026-12-03T10:00:00Z");
    TimestampWindow window =
        new TimestampWindow(
            TimestampWindow.DEFAULT_MIN, TimestampWindow.DEFAULT_MAX, Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofHours(1)));

    assertThat(window.at(now))
        .isEqualTo(
            new TimestampWindow(
                Instant.parse("2026-11-26T10:00:00Z"), Instant.parse("2026-12-03T11:00:00Z"), Optional.empty(), Optional.empty()));
    assertThatThrownBy(() -> new EventDecoder(SCHEMA, DecodeLimits.defaults(), RULES.withTimestamps(window)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid value rules: the timestamp window")
        .hasMessageEndingWith("has relative bounds; resolve them with at(now)");

    EventDecoder decoder = new EventDecoder(SCHEMA, DecodeLimits.defaults(), RULES.withTimestamps(window).at(now));
    List<Reject> rejects = new ArrayList<>();
    byte[] bytes = (line("PUT", "\"2026-12-03T11:00:00Z\"") + "\n" + line("PUT", "\"2026-12-03T10:59:59Z\"")).getBytes(UTF_8);
    decoder.decodeRows("s", new ByteArrayInputStream(bytes), row -> {}, rejects::add);
    assertThat(rejects)
        .extracting(Reject::reason)
        .containsExactly(
            "field 'timestamp' '2026-12-03T11:00:00Z' is in 2026, outside 2026-11-26T10:00:00Z to 2026-12-03T11:00:00Z");
  }

  @Test
  void unitHintsPointTowardsTheWindowOnly() {
    TimestampWindow window = TimestampWindow.defaults();
    assertThat(ValueConverter.unitHint(1_767_139_201L, TimestampUnit.SECOND, window)).isEmpty();
    assertThat(ValueConverter.unitHint(1_767_139_201_000L, TimestampUnit.SECOND, window))
        .isEqualTo(": milliseconds instead of seconds?");
    assertThat(ValueConverter.unitHint(1_767_139_201_000_000_000L, TimestampUnit.MICROSECOND, window))
        .isEqualTo(": nanoseconds instead of microseconds?");
    assertThat(ValueConverter.unitHint(1_767_139_201L, TimestampUnit.NANOSECOND, window))
        .isEqualTo(": seconds instead of nanoseconds?");
    // Seven months late is no unit mistake.
    TimestampWindow early = new TimestampWindow(Instant.EPOCH, Instant.parse("2025-06-01T00:00:00Z"), Optional.empty(), Optional.empty());
    assertThat(ValueConverter.unitHint(1_767_139_201_000L, TimestampUnit.MILLISECOND, early)).isEmpty();
  }

  @Test
  void anEmptyOrUnstorableWindowIsRefused() {
    assertThatThrownBy(() -> new TimestampWindow(TimestampWindow.DEFAULT_MAX, TimestampWindow.DEFAULT_MIN, Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid timestamp window: min 2100-01-01T00:00:00Z is not before max 2000-01-01T00:00:00Z");
    assertThatThrownBy(() -> new TimestampWindow(Instant.MIN, TimestampWindow.DEFAULT_MAX, Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid timestamp window: -1000000000-01-01T00:00:00Z to 2100-01-01T00:00:00Z is beyond what Iceberg can store");
  }
}
