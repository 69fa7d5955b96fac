package dev.floe.core.decode;

import static dev.floe.core.decode.Events.bytes;
import static dev.floe.core.decode.Events.decode;
import static dev.floe.core.decode.Events.event;
import static dev.floe.core.decode.Events.eventWith;
import static dev.floe.core.decode.Events.lines;
import static dev.floe.core.decode.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.decode.Events.Decoded;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad line is rejected with its line number and reason, and decoding goes on. */
class RejectionTest {
  static Stream<Arguments> badLines() {
    String event = event(2);
    return Stream.of(
        Arguments.of(event.replace("\"do_id\":\"do-1\",", ""), "missing required field 'do_id'"),
        Arguments.of(event.replace("\"do-1\"", "null"), "required field 'do_id' is null"),
        Arguments.of(
            event.replace("\"seq\":2", "\"seq\":\"2\""), "field 'seq' must be a long, got string"),
        Arguments.of(
            event.replace("\"op\":\"put\"", "\"op\":1"), "field 'op' must be a string, got number"),
        Arguments.of(
            event.replace("\"op\":\"put\"", "\"op\":[]"), "field 'op' must be a string, got array"),
        Arguments.of(
            event.replace("\"seq\":2", "\"seq\":2.5"),
            "field 'seq' must be a long, got fractional number 2.5"),
        Arguments.of(
            event.replace("\"seq\":2", "\"seq\":2e3"),
            "field 'seq' must be a long, got fractional number 2e3"),
        Arguments.of(
            event.replace("\"seq\":2", "\"seq\":9223372036854775808"),
            "field 'seq' is out of range for long"),
        Arguments.of(
            event.replace("1795507200000", "\"2026-11-24T08:00:00\""),
            "field 'timestamp' must be a timestamp (epoch millis or ISO-8601 with offset),"
                + " got '2026-11-24T08:00:00'"),
        Arguments.of(
            event.replace("1795507200000", "true"),
            "field 'timestamp' must be a timestamp (epoch millis or ISO-8601 with offset),"
                + " got boolean"),
        Arguments.of(
            event.replace("1795507200000", "1795507200000.5"),
            "field 'timestamp' must be a timestamp (epoch millis or ISO-8601 with offset),"
                + " got fractional number 1795507200000.5"),
        Arguments.of(
            event.replace("1795507200000", "9223372036854775807"),
            "field 'timestamp' is out of range for timestamptz"),
        Arguments.of(eventWith("\"seq\":3"), "duplicate field 'seq'"),
        Arguments.of(eventWith("\"extra\":1,\"extra\":2"), "duplicate field 'extra'"),
        Arguments.of("[" + event + "]", "must be a JSON object, got array"),
        Arguments.of("\"" + event.replace("\"", "'") + "\"", "must be a JSON object, got string"),
        Arguments.of("42", "must be a JSON object, got number"),
        Arguments.of(event + " " + event, "unexpected object after the JSON object"),
        Arguments.of(
            event.substring(0, 12), "invalid JSON: Unexpected end-of-input in VALUE_STRING"),
        Arguments.of(
            "{\"do_id\" \"x\"}",
            "invalid JSON: Unexpected character ('\"' (code 34)):"
                + " was expecting a colon to separate field name and value"));
  }

  @ParameterizedTest
  @MethodSource("badLines")
  void rejectsBadLineAndDecodesTheNext(String line, String reason) {
    Decoded decoded = decode(utf8(event(1) + "\n" + line + "\n" + event(3) + "\n"));

    assertThat(decoded.seqs()).containsExactly(1L, 3L);
    assertThat(decoded.rejects())
        .containsExactly(new Reject("batch-1.ndjson", 2, reason, utf8(line)));
    assertThat(decoded.stats().rejected()).isEqualTo(1);
  }

  @Test
  void rejectsInvalidUtf8DetectedByJackson() {
    // 0xFF never occurs in UTF-8: Jackson's UTF-8 parser alone would reject this line too.
    byte[] line = bytes("{\"do_id\":\"do-", 0xFF, "\"}");

    Decoded decoded = decode(bytes(event(1), "\n", line, "\n", event(3)));

    assertThat(decoded.seqs()).containsExactly(1L, 3L);
    assertThat(decoded.rejects())
        .containsExactly(new Reject("batch-1.ndjson", 2, "invalid UTF-8 at byte 13", line));
  }

  @Test
  void rejectsOverlongUtf8ThatJacksonAccepts() {
    // C0 AF is an overlong '/': Jackson decodes it, a strict decoder must not.
    String rest = event(2).substring(event(2).indexOf("\"ns\""));
    byte[] line = bytes("{\"do_id\":\"a", 0xC0, 0xAF, "b\",", rest);

    Decoded decoded = decode(bytes(line, "\n"));

    assertThat(decoded.onlyReject().reason()).isEqualTo("invalid UTF-8 at byte 11");
    assertThat(decoded.onlyReject().raw()).isEqualTo(line);
  }

  @Test
  void rejectsSurrogateInAFieldThatWouldOnlyBeSkipped() {
    // Jackson does not validate the UTF-8 of values it skips; the line check does.
    byte[] line = bytes(eventWith("\"junk\":\"x"), 0xED, 0xA0, 0x80, "\"}");

    Decoded decoded = decode(line);

    assertThat(decoded.records()).isEmpty();
    assertThat(decoded.onlyReject().reason()).startsWith("invalid UTF-8 at byte ");
  }

  @Test
  void rejectsUtf8SequenceCutOffAtEndOfLine() {
    byte[] line = bytes(event(1), 0xE2, 0x82);

    assertThat(decode(line).onlyReject().reason())
        .isEqualTo("invalid UTF-8 at byte " + event(1).length());
  }

  @Test
  void aLineOfControlBytesIsRejectedNotAnError() {
    Decoded decoded = Events.decode(new byte[] {0, 0, 0, 9, '\n', '{', '"', 'd', '"', ':', '1', '}', '\n'});
    assertThat(decoded.rejects()).extracting(Reject::line).containsExactly(1L, 2L);
    assertThat(decoded.rejects().get(0).reason()).isEqualTo("invalid JSON: NUL byte at byte 0");
  }

  static Stream<Arguments> linesJacksonWouldTakeForUtf16Or32() {
    // A NUL in a line's first two bytes makes Jackson's encoding detection read the line as
    // UTF-16 or UTF-32, though it is valid UTF-8. Its errors then name a character that is not
    // in the line and a byte offset counted from wherever the line sits in a buffer.
    String event = event(2);
    return Stream.of(
        Arguments.of(bytes(0, 0, 0, event), 0),
        Arguments.of(bytes("{", 0, 0, 0, event.substring(1)), 1),
        Arguments.of(bytes(0, 0, 0, "E\\\\E", event), 0),
        Arguments.of(bytes(0, event), 0),
        Arguments.of(bytes("{", 0, event.substring(1)), 1),
        Arguments.of(bytes(0), 0),
        Arguments.of(bytes(" ", 0), 1));
  }

  @ParameterizedTest
  @MethodSource("linesJacksonWouldTakeForUtf16Or32")
  void aNulNearTheStartOfALineIsNamedTheSameWhereverTheLineSits(byte[] line, int at) {
    Reject first = decode(bytes(line, "\n", event(3), "\n")).onlyReject();
    Decoded later = decode(bytes(lines(40), line, "\n", event(3), "\n"));

    String reason = "invalid JSON: NUL byte at byte " + at;
    assertThat(first).isEqualTo(new Reject("batch-1.ndjson", 1, reason, line));
    assertThat(later.rejects()).containsExactly(new Reject("batch-1.ndjson", 41, reason, line));
  }
}
