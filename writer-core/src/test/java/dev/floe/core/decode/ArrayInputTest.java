package dev.floe.core.decode;

import static dev.floe.core.decode.Events.bytes;
import static dev.floe.core.decode.Events.decode;
import static dev.floe.core.decode.Events.event;
import static dev.floe.core.decode.Events.eventWith;
import static dev.floe.core.decode.Events.gzip;
import static dev.floe.core.decode.Events.utf8;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.decode.Events.Decoded;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A source whose first non-whitespace byte is '[' is one JSON array of events. */
class ArrayInputTest {
  @Test
  void decodesElementsOfAnArrayOverManyLines() {
    String input = " \n[\n  " + event(1) + ",\n  " + event(2) + "\n]\n";

    Decoded decoded = decode(utf8(input));

    assertThat(decoded.rejects()).isEmpty();
    assertThat(decoded.seqs()).containsExactly(1L, 2L);
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(5, 2, 0, input.length()));
  }

  @Test
  void decodesGzipArray() {
    Decoded decoded = decode(gzip(utf8("[" + event(1) + "," + event(2) + "]")));

    assertThat(decoded.seqs()).containsExactly(1L, 2L);
  }

  @Test
  void decodesEmptyArray() {
    assertThat(decode(utf8("[ ]")).stats()).isEqualTo(new DecodeStats(1, 0, 0, 3));
  }

  @Test
  void rejectsInvalidElementsWithTheirBytesAndGoesOn() {
    String missing = "{ \"do_id\" : \"x\" }";
    String wrongType = eventWith("\"extra\":[{\"a\":1}]").replace("\"seq\":1", "\"seq\":\"1\"");
    String input =
        "["
            + event(1)
            + ",\n"
            + missing
            + ",\n"
            + "[1, [2]]"
            + ",\n7,\n"
            + wrongType
            + ",\n"
            + event(6)
            + "]";

    Decoded decoded = decode(utf8(input));

    assertThat(decoded.seqs()).containsExactly(1L, 6L);
    assertThat(decoded.rejects())
        .containsExactly(
            new Reject("batch-1.ndjson", 2, "missing required field 'key'", utf8(missing)),
            new Reject("batch-1.ndjson", 3, "must be a JSON object, got array", utf8("[1, [2]]")),
            new Reject("batch-1.ndjson", 4, "must be a JSON object, got number", utf8("7")),
            new Reject(
                "batch-1.ndjson", 5, "field 'seq' must be a long, got string", utf8(wrongType)));
  }

  @Test
  void syntaxErrorEndsTheSourceWithOneReject() {
    String input = "[" + event(1) + ",\n" + event(2) + "\n" + event(3) + ",\n" + event(4) + "]";

    Decoded decoded = decode(utf8(input));

    assertThat(decoded.seqs()).containsExactly(1L, 2L);
    Reject reject = decoded.onlyReject();
    assertThat(reject.line()).isEqualTo(3);
    assertThat(reject.reason())
        .isEqualTo(
            "invalid JSON: Unexpected character ('{' (code 123)): was expecting comma to separate"
                + " Array entries; the rest of the source was not read");
  }

  @Test
  void syntaxErrorInsideAnElementIsReportedAtItsStart() {
    String broken = "{\"do_id\":\"x\",\n\"key\" 1}";
    String input = "[" + event(1) + ",\n" + broken + ",\n" + event(3) + "]";

    Reject reject = decode(utf8(input)).onlyReject();

    assertThat(reject.line()).isEqualTo(2);
    assertThat(reject.reason()).endsWith("; the rest of the source was not read");
    assertThat(new String(reject.raw(), UTF_8)).startsWith(broken);
  }

  @Test
  void invalidUtf8EndsTheSourceAfterTheElementsBeforeIt() {
    byte[] input = bytes("[", event(1), ",\n", event(2), ",\n{\"do_id\":\"", 0xC0, 0xAF, "\"}]");

    Decoded decoded = decode(input);

    assertThat(decoded.seqs()).containsExactly(1L, 2L);
    Reject reject = decoded.onlyReject();
    assertThat(reject.line()).isEqualTo(3);
    int offset = 1 + event(1).length() + 2 + event(2).length() + 2 + 10;
    assertThat(reject.reason())
        .isEqualTo(
            "invalid UTF-8 at byte offset " + offset + "; the rest of the source was not read");
  }

  @Test
  void rejectsElementOverTheLengthLimitAndGoesOn() {
    String big = eventWith("\"pad\":\"" + "x".repeat(200_000) + "\"");
    String input = "[" + event(1) + "," + big + ",\n" + "{\"seq\":7}" + "," + event(4) + "]";

    Decoded decoded = decode(new DecodeLimits(1000, 1000, 64), utf8(input));

    assertThat(decoded.seqs()).containsExactly(1L, 4L);
    assertThat(decoded.rejects())
        .extracting(Reject::reason)
        .containsExactly("element exceeds 1000 bytes", "missing required field 'do_id'");
    assertThat(decoded.rejects().get(0).raw())
        .isEqualTo(Arrays.copyOf(utf8(big), DecodeRun.RAW_PREFIX_BYTES));
    // The window slid past the big element, yet the next one is captured whole.
    assertThat(decoded.rejects().get(1).raw()).isEqualTo(utf8("{\"seq\":7}"));
  }

  @Test
  void rejectsContentAfterTheArray() {
    Decoded decoded = decode(utf8("[" + event(1) + "]\n[" + event(2) + "]"));

    assertThat(decoded.seqs()).containsExactly(1L);
    assertThat(decoded.onlyReject().reason())
        .isEqualTo("unexpected array after the JSON array; the rest of the source was not read");
    assertThat(decoded.onlyReject().line()).isEqualTo(2);
  }

  @Test
  void truncatedGzipArrayEndsWithOneReject() {
    StringBuilder array = new StringBuilder("[");
    for (int seq = 1; seq <= 2000; seq++) {
      array.append(seq == 1 ? "" : ",\n").append(event(seq));
    }
    byte[] compressed = gzip(utf8(array.append("]").toString()));

    Decoded decoded = decode(Arrays.copyOf(compressed, compressed.length / 2));

    int delivered = decoded.records().size();
    assertThat(delivered).isBetween(1, 1999);
    Reject reject = decoded.onlyReject();
    assertThat(reject.line()).isEqualTo(delivered + 1);
    assertThat(reject.reason())
        .isEqualTo(
            "Cannot read source: truncated or corrupt input (Unexpected end of ZLIB input stream)");
    assertThat(event(delivered + 1)).startsWith(new String(reject.raw(), UTF_8));
  }
}
