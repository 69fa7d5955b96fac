package dev.floe.core.decode;

import static dev.floe.core.decode.Events.SCHEMA;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.floe.core.generate.EventGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The row path ({@link EventDecoder#decodeRows}, with {@link FastLineDecoder} in front of Jackson)
 * must give exactly the records and rejects of the record path, line for line.
 */
class FastPathTest {
  private static final String BASE =
      "\"do_id\":\"do-1\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1795507200123,\"seq\":7";

  /** Lines the fast decoder must take itself, each with some feature of real input. */
  private static final List<String> FAST =
      List.of(
          "{" + BASE + "}",
          "{" + BASE + ",\"ns\":\"app\",\"type\":\"user\",\"value\":\"{\\\"a\\\":1}\"}",
          "  {  \"do_id\" : \"do-1\" , \"key\":\"k\",\"op\":\"PUT\",\"timestamp\":0,\"seq\":-3 }  \r",
          "{" + BASE + ",\"value\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t end\"}",
          "{" + BASE + ",\"value\":\"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\u0000\"}",
          "{" + BASE + ",\"value\":\"raw é € 😀 ünïcödé\"}",
          "{" + BASE + ",\"value\":\"\"}",
          "{" + BASE + ",\"value\":null,\"ns\":null}",
          "{" + BASE + ",\"value\":{\"n\":1,\"s\":\"x é\",\"a\":[1,-2.5e3,true,false,null,{}],\"o\":{}}}",
          "{" + BASE + ",\"value\":[]}",
          "{" + BASE + ",\"value\":[[1],[2,[3]]]}",
          "{" + BASE + ",\"extra\":\"x\\\"y\",\"n\":1.5e-3,\"b\":true,\"z\":null}",
          "{\"seq\":9223372036854775,\"timestamp\":-62135596800000,\"op\":\"DELETE\",\"key\":\"k\",\"do_id\":\"d\"}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":-1,\"seq\":-0}");

  /** Lines the fast decoder must leave to Jackson: rejects, and valid lines it does not handle. */
  private static final List<String> SLOW =
      List.of(
          "{" + BASE + ",\"value\":{ \"n\": 1 }}",
          "{" + BASE + ",\"value\":{\"s\":\"a\\nb\"}}",
          "{" + BASE + ",\"value\":42}",
          "{" + BASE + ",\"value\":true}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":\"2026-11-01T10:00:00.123456789+02:00\",\"seq\":1}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":\"not a time\",\"seq\":1}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1.0}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":01}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1e3}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":12345678901234567890}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1234567890123456789}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":9223372036854775,\"seq\":1}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":999999999999999999,\"seq\":1}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":\"1\"}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1}",
          "{\"do_id\":null,\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1}",
          "{\"do_id\":\"d\",\"do_id\":\"e\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1}",
          "{" + BASE + ",\"x\":1,\"x\":2}",
          "{" + BASE + ",\"x\":{\"nested\":1}}",
          "{" + BASE + ",\"value\":\"lone \\ud800 surrogate\"}",
          "{" + BASE + ",\"value\":\"bad \\x escape\"}",
          "{" + BASE + ",\"value\":\"short \\u12\"}",
          "{" + BASE + ",\"value\":\"tab\tinside\"}",
          "{" + BASE + ",\"d\\u006f\":1}",
          "{" + BASE + "} trailing",
          "{" + BASE + "}{}",
          "{" + BASE + ",}",
          "{" + BASE,
          "[" + BASE + "]",
          "\uFEFF{" + BASE + "}",
          "{" + BASE + ",\"value\":{\"a\":1,}}",
          "{" + BASE + ",\"value\":{\"a\" :1}}",
          "{" + BASE + ",\"value\":[1 ,2]}",
          "{" + BASE + ",\"value\":[1,2}",
          "{" + BASE + ",\"value\":{\"a\":tru}}",
          "{" + BASE + ",\"n\":-}",
          "{" + BASE + ",\"n\":1.}",
          "{" + BASE + ",\"n\":.5}",
          "{" + BASE + ",\"n\":nul}",
          "{" + BASE + ",\"n\":truex}",
          "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":-}",
          "{}",
          "",
          "   ",
          "null",
          "\"just a string\"");

  private final EventDecoder decoder = new EventDecoder(SCHEMA, DecodeLimits.defaults());

  @Test
  void takesCommonLinesItselfWithTheValuesOfTheJacksonPath() {
    FastLineDecoder fast = new FastLineDecoder(Columns.of(SCHEMA), DecodeLimits.defaults());
    EventRow row = new EventRow(SCHEMA, Columns.of(SCHEMA));
    for (String line : FAST) {
      byte[] bytes = line.getBytes(UTF_8);
      assertThat(fast.decode(bytes, 0, bytes.length, row)).as(line).isTrue();
      assertThat(row.copy()).as(line).isEqualTo(onlyRecord(line));
    }
  }

  @Test
  void leavesEveryOtherLineToJackson() {
    FastLineDecoder fast = new FastLineDecoder(Columns.of(SCHEMA), DecodeLimits.defaults());
    EventRow row = new EventRow(SCHEMA, Columns.of(SCHEMA));
    for (String line : SLOW) {
      byte[] bytes = line.getBytes(UTF_8);
      assertThat(fast.decode(bytes, 0, bytes.length, row)).as(line).isFalse();
    }
  }

  @Test
  void rowPathGivesTheRecordsAndRejectsOfTheRecordPath() {
    StringBuilder input = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      FAST.forEach(line -> input.append(line).append('\n'));
      SLOW.forEach(line -> input.append(line).append('\n'));
    }
    ByteArrayOutputStream generated = new ByteArrayOutputStream();
    new EventGenerator(7).write(2000, generated);
    byte[] bytes = Events.bytes(input.toString(), generated.toByteArray(), "{\"do_id\":", 0xC3, "}\n", "{" + BASE + "}");

    assertSamePaths(SCHEMA, bytes);
  }

  @Test
  void rowPathMatchesOnJsonArrayInput() {
    StringBuilder input = new StringBuilder("[");
    for (String line : FAST) {
      input.append(line.strip()).append(",\n");
    }
    input.append("{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":\"x\",\"seq\":1},\n");
    input.append("{").append(BASE).append("}]");
    assertSamePaths(SCHEMA, input.toString().getBytes(UTF_8));
  }

  @Test
  void rowPathMatchesForEveryColumnType() {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "i", Types.IntegerType.get()),
            Types.NestedField.optional(2, "f", Types.FloatType.get()),
            Types.NestedField.optional(3, "d", Types.DoubleType.get()),
            Types.NestedField.optional(4, "b", Types.BooleanType.get()),
            Types.NestedField.optional(5, "day", Types.DateType.get()),
            Types.NestedField.optional(6, "local", Types.TimestampType.withoutZone()),
            Types.NestedField.optional(7, "s", Types.StringType.get()));
    String input =
        String.join(
            "\n",
            "{\"i\":1,\"f\":1.5,\"d\":-2.25e10,\"b\":true,\"day\":\"2026-11-01\",\"local\":1795507200123,\"s\":\"x\"}",
            "{\"i\":-2147483648,\"b\":false,\"local\":\"2026-11-01T10:00:00+02:00\"}",
            "{\"i\":2147483647}",
            "{\"i\":2147483648}",
            "{\"i\":1,\"b\":1}",
            "{\"i\":1,\"f\":1e39}",
            "{\"i\":1,\"day\":20261101}");
    assertSamePaths(schema, input.getBytes(UTF_8));
  }

  private static void assertSamePaths(Schema schema, byte[] bytes) {
    EventDecoder decoder = new EventDecoder(schema, DecodeLimits.defaults());
    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    DecodeStats stats = decoder.decode("s", new ByteArrayInputStream(bytes), records::add, rejects::add);
    List<Record> rows = new ArrayList<>();
    List<Reject> rowRejects = new ArrayList<>();
    DecodeStats rowStats =
        decoder.decodeRows("s", new ByteArrayInputStream(bytes), row -> rows.add(row.copy()), rowRejects::add);

    assertThat(rows).isEqualTo(records);
    assertThat(rowRejects).isEqualTo(rejects);
    assertThat(rowStats).isEqualTo(stats);
    assertThat(records).isNotEmpty();
    assertThat(rejects).isNotEmpty();
    if (bytes[0] != '[') {
      assertArrayPathMatches(decoder, bytes);
    }
  }

  @Test
  void arrayPathMatchesOnLineEndsOverLongLinesAndALastLineWithoutNewline() {
    String longLine = "{" + BASE + ",\"pad\":\"" + "é".repeat(3000) + "\"}";
    String input = "{" + BASE + "}\r\n\n" + longLine + "\r\n  \n" + longLine + "\n" + FAST.get(1) + "\r\n"
        + SLOW.get(0) + "\n" + "{" + BASE + ",\"value\":\"" + "x".repeat(2000) + "\"}\n" + longLine;
    EventDecoder limited = new EventDecoder(SCHEMA, new DecodeLimits(5000, 1000, 64));

    List<Reject> rejects = assertArrayPathMatches(limited, input.getBytes(UTF_8));

    assertThat(rejects).extracting(Reject::line, Reject::reason).contains(
        tuple(3L, "line exceeds 5000 bytes"),
        tuple(5L, "line exceeds 5000 bytes"),
        tuple(9L, "line exceeds 5000 bytes"));
    assertArrayPathMatches(limited, (input + "\n").getBytes(UTF_8));
    assertArrayPathMatches(limited, (input + "\r").getBytes(UTF_8));
    String exact = "{" + BASE + "}";
    EventDecoder tight = new EventDecoder(SCHEMA, new DecodeLimits(exact.length(), 1000, 64));
    List<Reject> tightRejects = assertArrayPathMatches(tight,
        (exact + "\r\n" + exact + " \r\n" + "{\"do_id\":1}\r\n" + exact + "\r").getBytes(UTF_8));
    assertThat(tightRejects).extracting(Reject::line).containsExactly(2L, 3L);
    // An over-long line keeps its own head, without the '\r' a stream's read-ahead may have held.
    assertThat(tight.decodeRows("s", (exact + " \r\n").getBytes(UTF_8), 0, exact.length() + 3, row -> {}, tightRejects::add))
        .isEqualTo(new DecodeStats(1, 0, 1, exact.length() + 3));
    assertThat(tightRejects.get(2).raw()).isEqualTo((exact + " ").getBytes(UTF_8));
    assertArrayPathMatches(limited, "\n\n".getBytes(UTF_8));
    assertArrayPathMatches(limited, new byte[0]);
  }

  @Test
  void arrayPathNamesALineJacksonWouldTakeForUtf32AsTheStreamPathDoes() {
    // Found by FastPathFuzzTest: Jackson's reason for such a line named a byte offset counted from
    // where the line sat in the reader's buffer, which differs between the two paths.
    String lines = (FAST.get(0) + "\n").repeat(5);
    byte[] input = Events.bytes(lines, 0, 0, 0, "E\\E", FAST.get(1), "\n", lines, "{", 0, "}\n");

    List<Reject> rejects = assertArrayPathMatches(new EventDecoder(SCHEMA, DecodeLimits.defaults()), input);

    assertThat(rejects).extracting(Reject::line, Reject::reason).containsExactly(
        tuple(6L, "invalid JSON: NUL byte at byte 0"), tuple(12L, "invalid JSON: NUL byte at byte 1"));
  }

  @Test
  void arrayPathReadsOnlyItsRangeAndLeavesTheArrayAsItWas() {
    byte[] events = ("{" + BASE + "}\n" + FAST.get(3) + "\n{\"do_id\":1}\n").getBytes(UTF_8);
    byte[] padded = new byte[events.length + 20];
    Arrays.fill(padded, (byte) '{');
    System.arraycopy(events, 0, padded, 10, events.length);
    byte[] before = padded.clone();
    List<Record> fromStream = new ArrayList<>();
    List<Reject> streamRejects = new ArrayList<>();
    DecodeStats streamStats = decoder.decodeRows("s", new ByteArrayInputStream(events), row -> fromStream.add(row.copy()),
        streamRejects::add);
    List<Record> rows = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();

    DecodeStats stats = decoder.decodeRows("s", padded, 10, events.length, row -> rows.add(row.copy()), rejects::add);

    assertThat(rows).hasSize(2).isEqualTo(fromStream);
    assertThat(rejects).hasSize(1).isEqualTo(streamRejects);
    assertThat(stats).isEqualTo(streamStats);
    assertThat(padded).isEqualTo(before);
  }

  /** The array path gives the stream path's rows, rejects and counts for the same NDJSON. */
  private static List<Reject> assertArrayPathMatches(EventDecoder decoder, byte[] bytes) {
    List<Record> rows = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    DecodeStats stats = decoder.decodeRows("s", new ByteArrayInputStream(bytes), row -> rows.add(row.copy()), rejects::add);
    List<Record> arrayRows = new ArrayList<>();
    List<Reject> arrayRejects = new ArrayList<>();

    DecodeStats arrayStats = decoder.decodeRows("s", bytes, 0, bytes.length, row -> arrayRows.add(row.copy()), arrayRejects::add);

    assertThat(arrayRows).isEqualTo(rows);
    assertThat(arrayRejects).extracting(Reject::source, Reject::line, Reject::reason)
        .isEqualTo(rejects.stream().map(r -> tuple(r.source(), r.line(), r.reason())).toList());
    for (int i = 0; i < rejects.size(); i++) {
      byte[] raw = rejects.get(i).raw();
      byte[] arrayRaw = arrayRejects.get(i).raw();
      if (rejects.get(i).reason().startsWith("line exceeds ")) {
        // The head a stream kept of an over-long line is what it had read ahead when it saw the
        // line was too long; under a limit of RAW_PREFIX_BYTES that can be more or less of it.
        int common = Math.min(raw.length, arrayRaw.length);
        assertThat(Arrays.copyOf(arrayRaw, common)).isEqualTo(Arrays.copyOf(raw, common));
      } else {
        assertThat(arrayRaw).isEqualTo(raw);
      }
    }
    assertThat(arrayStats).isEqualTo(stats);
    return rejects;
  }

  private Record onlyRecord(String line) {
    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    decoder.decode("s", new ByteArrayInputStream(line.getBytes(UTF_8)), records::add, rejects::add);
    assertThat(rejects).as(line).isEmpty();
    assertThat(records).as(line).hasSize(1);
    return records.get(0);
  }
}
