package dev.floe.core.decode;

import static dev.floe.core.decode.Events.bytes;
import static dev.floe.core.decode.Events.decode;
import static dev.floe.core.decode.Events.event;
import static dev.floe.core.decode.Events.eventWith;
import static dev.floe.core.decode.Events.gzip;
import static dev.floe.core.decode.Events.lines;
import static dev.floe.core.decode.Events.utf8;
import static dev.floe.core.decode.Events.zstd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.decode.Events.Decoded;
import java.io.ByteArrayInputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventDecoderTest {
  private static final OffsetDateTime TIMESTAMP =
      OffsetDateTime.of(2026, 11, 24, 8, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void decodesPlainNdjsonIntoTypedRecords() {
    byte[] input = utf8(lines(2));

    Decoded decoded = decode(input);

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(2, 2, 0, input.length));
    Record first = decoded.records().get(0);
    assertThat(first.getField("do_id")).isEqualTo("do-1");
    assertThat(first.getField("ns")).isEqualTo("rooms");
    assertThat(first.getField("type")).isEqualTo("Room");
    assertThat(first.getField("key")).isEqualTo("k1");
    assertThat(first.getField("value")).isEqualTo("{\"n\":1}");
    assertThat(first.getField("op")).isEqualTo("put");
    assertThat(first.getField("timestamp")).isEqualTo(TIMESTAMP);
    assertThat(first.getField("seq")).isEqualTo(1L);
    assertThat(decoded.records().get(1).getField("seq")).isEqualTo(2L);
    assertThat(decoded.records().get(1).getField("value")).isEqualTo("{\"n\":2}");
  }

  @Test
  void decodesGzipNdjson() {
    byte[] input = utf8(lines(3));

    Decoded decoded = decode(gzip(input));

    assertThat(decoded.seqs()).containsExactly(1L, 2L, 3L);
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(3, 3, 0, input.length));
  }

  @Test
  void decodesConcatenatedGzipMembers() {
    byte[] first = gzip(utf8(event(1) + "\n"));
    byte[] second = gzip(utf8(event(2) + "\n"));
    byte[] input = new byte[first.length + second.length];
    System.arraycopy(first, 0, input, 0, first.length);
    System.arraycopy(second, 0, input, first.length, second.length);

    assertThat(decode(input).seqs()).containsExactly(1L, 2L);
  }

  @Test
  void decodesZstdNdjson() {
    byte[] input = utf8(lines(3));

    Decoded decoded = decode(zstd(input));

    assertThat(decoded.seqs()).containsExactly(1L, 2L, 3L);
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(3, 3, 0, input.length));
  }

  @Test
  void acceptsCrlfLineEndings() {
    Decoded decoded = decode(utf8(event(1) + "\r\n" + "{\"seq\":\"x\"}\r\n" + event(3) + "\r\n"));

    assertThat(decoded.seqs()).containsExactly(1L, 3L);
    assertThat(decoded.onlyReject().raw()).isEqualTo(utf8("{\"seq\":\"x\"}"));
  }

  @Test
  void skipsBlankLinesButCountsThem() {
    Decoded decoded = decode(utf8("\n  \n" + event(1) + "\n\t \r\n" + event(2)));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.seqs()).containsExactly(1L, 2L);
    assertThat(decoded.stats().lines()).isEqualTo(5);
  }

  @Test
  void decodesEmptyInput() {
    assertThat(decode(new byte[0]).stats()).isEqualTo(new DecodeStats(0, 0, 0, 0));
  }

  @Test
  void decodesTimestampFromEpochMillis() {
    Decoded decoded = decode(utf8(event(1).replace("1795507200000", "1795507200123")));

    assertThat(decoded.records().get(0).getField("timestamp"))
        .isEqualTo(TIMESTAMP.plusNanos(123_000_000));
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-24T08:00:00Z, 2026-11-24T08:00:00Z",
    "2026-11-24t08:00:00z, 2026-11-24T08:00:00Z",
    "2026-11-24T10:00:00.123456+02:00, 2026-11-24T08:00:00.123456Z",
  })
  void decodesTimestampFromIsoStringInUtc(String text, String expected) {
    Decoded decoded = decode(utf8(event(1).replace("1795507200000", "\"" + text + "\"")));

    assertThat(decoded.rejects()).isEmpty();
    OffsetDateTime timestamp = (OffsetDateTime) decoded.records().get(0).getField("timestamp");
    assertThat(timestamp).isEqualTo(OffsetDateTime.parse(expected));
    assertThat(timestamp.getOffset()).isEqualTo(ZoneOffset.UTC);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"{\\\"a\\\":1}\"                     | {\"a\":1}",
        "\"plain text\"                        | plain text",
        "{ \"a\" : [1, 2.50, \"x\", true], \"b\": {\"c\": null} } |"
            + " {\"a\":[1,2.50,\"x\",true],\"b\":{\"c\":null}}",
        "[ ]                                   | []",
        "12.5e3                                | 12.5e3",
        "false                                 | false",
        "\"caf\\u00e9 \\\"q\\\"\"              | café \"q\"",
      })
  void storesJsonColumnAsJsonText(String json, String stored) {
    Decoded decoded = decode(utf8(event(1).replace("{\"n\":1}", json)));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.records().get(0).getField("value")).isEqualTo(stored);
  }

  @Test
  void storesNullForNullOrMissingOptionalColumns() {
    String withNull = event(1).replace("{\"n\":1}", "null").replace("\"rooms\"", "null");
    String without = event(2).replace("\"type\":\"Room\",", "");

    Decoded decoded = decode(utf8(withNull + "\n" + without));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.records().get(0).getField("value")).isNull();
    assertThat(decoded.records().get(0).getField("ns")).isNull();
    assertThat(decoded.records().get(1).getField("type")).isNull();
  }

  @Test
  void ignoresUnknownFields() {
    String line = eventWith("\"extra\":{\"deep\":[1,{\"x\":\"y\"}]},\"other\":null,\"DO_ID\":5");

    Decoded decoded = decode(utf8(line));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.records().get(0).getField("do_id")).isEqualTo("do-1");
  }

  @Test
  void matchesEscapedKeysByTheirValue() {
    Decoded decoded = decode(utf8(event(1).replace("\"do_id\"", "\"do\\u005fid\"")));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.records().get(0).getField("do_id")).isEqualTo("do-1");
  }

  @Test
  void skipsUtf8ByteOrderMark() {
    Decoded decoded = decode(bytes(0xEF, 0xBB, 0xBF, lines(2)));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.seqs()).containsExactly(1L, 2L);
  }

  @Test
  void decodesSameInputWhenReadOneByteAtATime() {
    byte[] input = utf8(lines(20) + "\r\n\n" + "[1]\n" + event(21));

    Decoded decoded = decode(DecodeLimits.defaults(), Events.trickle(input));

    assertThat(decoded.records()).hasSize(21);
    assertThat(decoded.onlyReject().line()).isEqualTo(23);
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(24, 21, 1, input.length));
  }

  @Test
  void leavesTheInputOpen() {
    AtomicBoolean closed = new AtomicBoolean();
    ByteArrayInputStream input =
        new ByteArrayInputStream(zstd(utf8(lines(1)))) {
          @Override
          public void close() {
            closed.set(true);
          }
        };

    Events.decode(DecodeLimits.defaults(), input);

    assertThat(closed).isFalse();
  }
}
