package dev.floe.core.decode;

import static dev.floe.core.decode.Events.decode;
import static dev.floe.core.decode.Events.event;
import static dev.floe.core.decode.Events.eventWith;
import static dev.floe.core.decode.Events.utf8;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.floe.core.decode.Events.Decoded;
import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void defaultsAreEightMebibyteLinesThousandFieldsSixtyFourLevels() {
    assertThat(DecodeLimits.defaults()).isEqualTo(new DecodeLimits(8 * 1024 * 1024, 1000, 64));
  }

  @Test
  void rejectsLimitsOutOfRange() {
    assertThatThrownBy(() -> new DecodeLimits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid decode limits: maxLineBytes must be between 1 and 1073741824, got 0");
    assertThatThrownBy(() -> new DecodeLimits(1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid decode limits: maxFields must be positive, got -1");
    assertThatThrownBy(() -> new DecodeLimits(1, 1, 10_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid decode limits: maxNestingDepth must be between 1 and 10000, got 10001");
  }

  @Test
  void rejectsLineOverTheLengthLimitAndDecodesTheNext() {
    String longLine = eventWith("\"pad\":\"" + "x".repeat(5000) + "\"");
    String input = event(1) + "\n" + longLine + "\n" + event(3) + "\n";

    Decoded decoded = decode(new DecodeLimits(300, 1000, 64), utf8(input));

    assertThat(decoded.seqs()).containsExactly(1L, 3L);
    Reject reject = decoded.onlyReject();
    assertThat(reject.line()).isEqualTo(2);
    assertThat(reject.reason()).isEqualTo("line exceeds 300 bytes");
    assertThat(longLine).startsWith(new String(reject.raw(), UTF_8));
    assertThat(reject.raw().length).isBetween(300, DecodeRun.RAW_PREFIX_BYTES);
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(3, 2, 1, input.length()));
  }

  @Test
  void keepsOnlyTheHeadOfAnOverLongLine() {
    String longLine = "x".repeat(100_000);

    Decoded decoded = decode(new DecodeLimits(20_000, 1000, 64), utf8(longLine + "\n" + event(2)));

    assertThat(decoded.seqs()).containsExactly(2L);
    assertThat(decoded.onlyReject().raw()).isEqualTo(utf8("x".repeat(DecodeRun.RAW_PREFIX_BYTES)));
  }

  @Test
  void acceptsLineOfExactlyTheLimitEvenWithCrlf() {
    String line = event(1);
    int limit = line.length();
    String input = line + "\r\n" + line + "\n" + line + " \r\n" + line + "  ";

    Decoded decoded = decode(new DecodeLimits(limit, 1000, 64), Events.trickle(utf8(input)));

    assertThat(decoded.records()).hasSize(2);
    assertThat(decoded.rejects())
        .extracting(Reject::line, Reject::reason)
        .containsExactly(
            tuple(3L, "line exceeds " + limit + " bytes"),
            tuple(4L, "line exceeds " + limit + " bytes"));
  }

  @Test
  void rejectsObjectWithTooManyFields() {
    String tooMany = eventWith("\"a\":1,\"b\":2");

    Decoded decoded = decode(new DecodeLimits(1024, 9, 64), utf8(tooMany + "\n" + event(2)));

    assertThat(decoded.seqs()).containsExactly(2L);
    assertThat(decoded.onlyReject().reason()).isEqualTo("object has more than 9 fields");
  }

  @Test
  void rejectsNestedObjectWithTooManyFields() {
    String value = "{\"a\":1,\"b\":2,\"c\":{\"d\":1,\"e\":2,\"f\":3,\"g\":4}}";

    Decoded decoded =
        decode(new DecodeLimits(1024, 3, 64), utf8(event(1).replace("{\"n\":1}", value)));

    // The event object itself has 8 fields, so give it room: only nested objects are over.
    assertThat(decoded.onlyReject().reason()).isEqualTo("object has more than 3 fields");
    Decoded nested =
        decode(new DecodeLimits(1024, 8, 64), utf8(event(1).replace("\"n\":1", repeatFields(9))));
    assertThat(nested.onlyReject().reason())
        .isEqualTo("field 'value' holds an object with more than 8 fields");
  }

  @Test
  void rejectsJsonColumnNestedTooDeep() {
    DecodeLimits limits = new DecodeLimits(1024, 1000, 3);
    String tooDeep = event(1).replace("{\"n\":1}", "{\"a\":[[1]]}");
    String fits = event(2).replace("{\"n\":2}", "{\"a\":[2]}");

    Decoded decoded = decode(limits, utf8(tooDeep + "\n" + fits));

    assertThat(decoded.onlyReject().reason()).isEqualTo("field 'value' nests deeper than 3 levels");
    // The copy abandoned half-way leaves nothing behind in the next one.
    assertThat(decoded.records())
        .extracting(r -> r.getField("value"))
        .containsExactly("{\"a\":[2]}");
  }

  @Test
  void rejectsHostileNestingInUnknownFieldWithoutRecursion() {
    String hostile = eventWith("\"junk\":" + "[".repeat(200_000) + "]".repeat(200_000));

    Decoded decoded = decode(utf8(hostile + "\n" + event(2)));

    assertThat(decoded.seqs()).containsExactly(2L);
    assertThat(decoded.onlyReject().reason()).isEqualTo("field 'junk' nests deeper than 64 levels");
  }

  @Test
  void rejectsJsonColumnLongerThanALine() {
    // Only an array element can hold more JSON text than a line, but the guard is the same.
    String value = "[" + "1,".repeat(400) + "1]";
    DecodeLimits limits = new DecodeLimits(500, 1000, 64);

    Decoded decoded = decode(limits, utf8("[" + event(1).replace("{\"n\":1}", value) + "]"));

    assertThat(decoded.onlyReject().reason()).isEqualTo("field 'value' exceeds 500 characters");
  }

  private static String repeatFields(int count) {
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < count; i++) {
      fields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
    }
    return fields.toString();
  }
}
