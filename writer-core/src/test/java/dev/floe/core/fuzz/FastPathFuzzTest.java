package dev.floe.core.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.DecodeStats;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.decode.Reject;
import dev.floe.core.decode.TimestampFormat;
import dev.floe.core.decode.TimestampUnit;
import dev.floe.core.decode.TimestampWindow;
import dev.floe.core.decode.ValueRules;
import dev.floe.core.schema.EventSchemas;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Differential fuzzing of the production decoder: whatever the lines, the row path ({@link
 * EventDecoder#decodeRows}, with the fast line decoder in front of Jackson) gives exactly the
 * records, rejects (line numbers and reasons) and counts of the Jackson-only record path ({@link
 * EventDecoder#decode}). Lines are built from the fuzz data as events of the decoder's schema,
 * with the values, keys and whitespace where the two paths could part: number edges, the
 * plausibility window's edges, allowed values, escapes, unicode, duplicate and missing keys,
 * nesting and field limits. Runs its seed inputs in every build; with {@code JAZZER_FUZZ=1} it
 * fuzzes (see docs/reliability.md, Fuzzing).
 */
class FastPathFuzzTest {
  /** Small limits, so that the field and depth limits are within the fuzzer's reach. */
  private static final DecodeLimits SMALL = new DecodeLimits(4096, 6, 4);

  private static final TimestampWindow WINDOW =
      new TimestampWindow(
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2100-01-01T00:00:00.000500Z"),
          Optional.empty(),
          Optional.empty());

  private static final Schema WIDE =
      new Schema(
          Types.NestedField.required(1, "i", Types.IntegerType.get()),
          Types.NestedField.optional(2, "l", Types.LongType.get()),
          Types.NestedField.optional(3, "f", Types.FloatType.get()),
          Types.NestedField.optional(4, "d", Types.DoubleType.get()),
          Types.NestedField.optional(5, "b", Types.BooleanType.get()),
          Types.NestedField.optional(6, "day", Types.DateType.get()),
          Types.NestedField.optional(7, "local", Types.TimestampType.withoutZone()),
          Types.NestedField.optional(8, "tz", Types.TimestampType.withZone()),
          Types.NestedField.optional(9, "s", Types.StringType.get()),
          Types.NestedField.optional(10, "j", Types.StringType.get(), "json"),
          Types.NestedField.optional(11, "kind", Types.StringType.get()));

  private static final Map<String, List<String>> OPS = Map.of("op", EventSchemas.DEFAULT_OPS);

  /** The decoders compared, each a schema with rules and limits the fast path treats apart. */
  private static final List<EventDecoder> DECODERS =
      List.of(
          new EventDecoder(EventSchemas.defaultSchema(), DecodeLimits.defaults()),
          new EventDecoder(
              EventSchemas.defaultSchema(), DecodeLimits.defaults(), new ValueRules(TimestampWindow.defaults(), OPS)),
          new EventDecoder(EventSchemas.defaultSchema(), SMALL, new ValueRules(WINDOW, OPS)),
          new EventDecoder(
              WIDE, SMALL, new ValueRules(WINDOW, Map.of("kind", List.of("a", "é", "")))),
          new EventDecoder(
              WIDE,
              DecodeLimits.defaults(),
              new ValueRules(
                  TimestampWindow.unbounded(),
                  Map.of(),
                  TimestampFormat.UNIX_MILLIS,
                  Map.of("tz", TimestampUnit.SECOND),
                  false)),
          new EventDecoder(
              WIDE,
              SMALL,
              new ValueRules(TimestampWindow.defaults(), Map.of(), TimestampFormat.RFC3339, Map.of(), false)));

  private static final String[] WHITESPACE = {"", "", "", " ", "\t", "\r", "  \t", "\f", "\u00a0", "\u000b"};

  private static final String[] TIMESTAMPS = {
    "946684800000", "946684799999", "4102444799999", "4102444800000", "4102444800001", "0", "-0", "-1",
    "1767139201", "1767139201000", "1767139201000000", "9223372036853000", "9223372036854775",
    "-9223372036854000", "-9223372036855000", "999999999999999999", "1000000000000000000",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e12", "1.0", "01",
    "\"2000-01-01T00:00:00Z\"", "\"1999-12-31T23:59:59.999Z\"", "\"2100-01-01T00:00:00Z\"",
    "\"2100-01-01T00:00:00.0004Z\"", "\"2026-11-01T10:00:00.123456789+02:00\"", "\"2026-11-01T10:00:00\"",
    "\"\"", "null", "true", "[]", "{}"
  };

  private static final String[] INTEGERS = {
    "0", "-0", "1", "-1", "01", "-01", "00", "1.0", "1e3", "1E3", "-", "2147483647", "2147483648",
    "-2147483648", "-2147483649", "999999999999999999", "-999999999999999999", "1000000000000000000",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "12345678901234567890123",
    "\"1\"", "true", "null", "[1]", "{}", "1x", "1 ", "0x10", "+1", "Infinity", "NaN"
  };

  private static final String[] FLOATS = {
    "1.5", "-0.0", "0", "1e39", "-1e39", "3.4028235e38", "1.4e-45", "1e-46", "1e308", "1e309", "4.9e-324",
    "1.", ".5", "-", "1e", "1e+", "1E-2", "123456789012345678901234567890", "\"1.5\"", "null", "true"
  };

  private static final String[] STRINGS = {
    "\"\"", "\"a\"", "\"PUT\"", "\"DELETE\"", "\"_internal\"", "\"put\"", "\"Put\"", "\"PUTX\"", "\"PU\"",
    "\"P\\u0055T\"", "\"\\u0050UT\"", "\"PUT \"", "\"é\"", "\"\\u00e9\"", "\"\\u00E9\"", "\"e\\u0301\"",
    "\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\"", "\"😀\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud83d\\u0041\"",
    "\"\\u0000\"", "\"\\\"\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\x\"", "\"\\u12\"",
    "\"\\u12g4\"", "\"\\\"", "\"tab\tin\"", "\"\u0001\"", "\"\u007f\"", "\"unterminated", "null", "1",
    "true", "{}", "[]", "\"2026-11-01\"", "\"2026-02-30\"", "\"a\" \"b\""
  };

  private static final String[] JSON_VALUES = {
    "{}", "[]", "{\"a\":1}", "{\"a\":1,\"a\":2}", "[1,-0,1.50,1E5,-2.5e3,true,false,null]",
    "{\"a\":{\"b\":{}}}", "{\"a\":{\"b\":{\"c\":{}}}}", "[[[[[]]]]]", "[[[]]]", "{\"a\" :1}", "{\"a\": 1}",
    "[1 ,2]", "[1, 2]", "[1,2}", "{\"a\":1,}", "[,]", "{\"a\":tru}", "{\"a\":nul}", "[truex]",
    "{\"a\":\"x\\ny\"}", "{\"\\u0061\":1}", "{\"a\":\"é😀\"}", "[\"\\ud800\"]",
    "{\"1\":1,\"2\":2,\"3\":3,\"4\":4,\"5\":5,\"6\":6}", "{\"1\":1,\"2\":2,\"3\":3,\"4\":4,\"5\":5,\"6\":6,\"7\":7}",
    "[1,2,3,4,5,6,7,8]", "[01]", "[1.]", "[-]", "[1e999]", "[12345678901234567890123]", "\"text\"",
    "\"{\\\"a\\\":1}\"", "42", "true", "null", "{\"a\":[{\"b\":[1]}]}", "{\"\":0}", "{\"a\":1}x"
  };

  private static final String[] DATES = {
    "\"2026-11-01\"", "\"2026-02-30\"", "\"0000-01-01\"", "\"+10000-01-01\"", "20261101", "\"2026-11-01T00:00:00Z\"", "null"
  };

  private static final String[] BOOLEANS = {"true", "false", "1", "0", "\"true\"", "True", "null", "truex", "fals"};

  @FuzzTest(maxDuration = "30s")
  void rowPathEqualsRecordPath(FuzzedDataProvider data) {
    EventDecoder decoder = DECODERS.get(data.consumeInt(0, DECODERS.size() - 1));
    boolean wide = data.consumeBoolean();
    StringBuilder input = new StringBuilder();
    int lines = data.consumeInt(1, 6);
    for (int line = 0; line < lines; line++) {
      switch (data.consumeInt(0, 5)) {
        case 0 -> input.append(data.consumeString(200));
        case 1 -> input.append(mutated(data, event(data, wide)));
        default -> input.append(event(data, wide));
      }
      input.append(data.consumeInt(0, 7) == 0 ? "\r\n" : "\n");
    }
    input.append(data.consumeRemainingAsString());
    byte[] bytes = input.toString().getBytes(UTF_8);

    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    DecodeStats stats = decoder.decode("fuzz", new ByteArrayInputStream(bytes), records::add, rejects::add);
    List<Record> rows = new ArrayList<>();
    List<Reject> rowRejects = new ArrayList<>();
    DecodeStats rowStats =
        decoder.decodeRows("fuzz", new ByteArrayInputStream(bytes), row -> rows.add(row.copy()), rowRejects::add);

    assertThat(rows).as("rows of %s", text(bytes)).isEqualTo(records);
    assertThat(rowRejects).as("rejects of %s", text(bytes)).map(FastPathFuzzTest::lineAndReason)
        .isEqualTo(rejects.stream().map(FastPathFuzzTest::lineAndReason).toList());
    assertThat(rowRejects).as("rejected bytes of %s", text(bytes)).isEqualTo(rejects);
    assertThat(rowStats).as("counts of %s", text(bytes)).isEqualTo(stats);

    // What the server decodes: NDJSON held in an array. The stream path takes a '[' after a byte
    // order mark and whitespace as one JSON array; magic bytes of gzip or zstd cannot start text.
    if (!startsJsonArray(bytes)) {
      List<Record> arrayRows = new ArrayList<>();
      List<Reject> arrayRejects = new ArrayList<>();
      DecodeStats arrayStats =
          decoder.decodeRows("fuzz", bytes, 0, bytes.length, row -> arrayRows.add(row.copy()), arrayRejects::add);
      assertThat(arrayRows).as("array path rows of %s", text(bytes)).isEqualTo(rows);
      assertThat(arrayRejects).as("array path rejects of %s", text(bytes)).isEqualTo(rowRejects);
      assertThat(arrayStats).as("array path counts of %s", text(bytes)).isEqualTo(rowStats);
    }
  }

  /** One event object: each field of either schema, maybe missing, repeated, odd in key or value. */
  private static String event(FuzzedDataProvider data, boolean wide) {
    List<String[]> members = new ArrayList<>();
    if (wide) {
      members.add(new String[] {"i", pick(data, INTEGERS)});
      members.add(new String[] {"l", pick(data, INTEGERS)});
      members.add(new String[] {"f", pick(data, FLOATS)});
      members.add(new String[] {"d", pick(data, FLOATS)});
      members.add(new String[] {"b", pick(data, BOOLEANS)});
      members.add(new String[] {"day", pick(data, DATES)});
      members.add(new String[] {"local", pick(data, TIMESTAMPS)});
      members.add(new String[] {"tz", pick(data, TIMESTAMPS)});
      members.add(new String[] {"s", pick(data, STRINGS)});
      members.add(new String[] {"j", pick(data, JSON_VALUES)});
      members.add(new String[] {"kind", pick(data, STRINGS)});
    } else {
      members.add(new String[] {"do_id", pick(data, STRINGS)});
      members.add(new String[] {"ns", pick(data, STRINGS)});
      members.add(new String[] {"type", pick(data, STRINGS)});
      members.add(new String[] {"key", pick(data, STRINGS)});
      members.add(new String[] {"value", pick(data, JSON_VALUES)});
      members.add(new String[] {"op", pick(data, STRINGS)});
      members.add(new String[] {"timestamp", pick(data, TIMESTAMPS)});
      members.add(new String[] {"seq", pick(data, INTEGERS)});
    }
    StringBuilder out = new StringBuilder(ws(data)).append('{');
    boolean first = true;
    int extras = data.consumeInt(0, 3) == 0 ? data.consumeInt(0, 20) : 0;
    int total = members.size() + extras;
    for (int n = 0; n < total; n++) {
      String key;
      String value;
      if (n < members.size()) {
        String[] member = members.get(data.consumeInt(0, 9) == 0 ? data.consumeInt(0, members.size() - 1) : n);
        switch (data.consumeInt(0, 15)) {
          case 0 -> {
            continue; // missing
          }
          case 1 -> key = String.format("\\u%04x", (int) member[0].charAt(0)) + member[0].substring(1);
          case 2 -> key = member[0].toUpperCase(java.util.Locale.ROOT);
          case 3 -> key = member[0] + " ";
          default -> key = member[0];
        }
        switch (data.consumeInt(0, 11)) {
          case 0 -> value = data.consumeString(20);
          case 1 -> value = pick(data, JSON_VALUES);
          case 2 -> value = pick(data, STRINGS);
          default -> value = member[1];
        }
      } else {
        key = data.consumeInt(0, 1) == 0 ? "x" + data.consumeInt(0, 20) : data.consumeString(8);
        value = pick(data, data.consumeBoolean() ? STRINGS : data.consumeBoolean() ? INTEGERS : JSON_VALUES);
      }
      if (!first) {
        out.append(ws(data)).append(',');
      }
      first = false;
      out.append(ws(data)).append('"').append(key).append('"').append(ws(data)).append(':').append(ws(data)).append(value);
    }
    return out.append(ws(data)).append('}').append(ws(data)).toString();
  }

  /** A line with a few bytes inserted, removed or replaced. */
  private static String mutated(FuzzedDataProvider data, String line) {
    StringBuilder out = new StringBuilder(line);
    int edits = data.consumeInt(1, 3);
    for (int e = 0; e < edits && out.length() > 0; e++) {
      int at = data.consumeInt(0, out.length() - 1);
      switch (data.consumeInt(0, 2)) {
        case 0 -> out.insert(at, data.consumeChar());
        case 1 -> out.deleteCharAt(at);
        default -> out.setCharAt(at, data.consumeChar());
      }
    }
    return out.toString();
  }

  private static String ws(FuzzedDataProvider data) {
    return pick(data, WHITESPACE);
  }

  private static String pick(FuzzedDataProvider data, String[] values) {
    return values[data.consumeInt(0, values.length - 1)];
  }

  private static String lineAndReason(Reject reject) {
    return reject.line() + ": " + reject.reason();
  }

  private static boolean startsJsonArray(byte[] bytes) {
    int i = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
    while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
      i++;
    }
    return i < bytes.length && bytes[i] == '[';
  }

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8).replace("\n", "\\n\n");
  }
}
