package dev.floe.core.decode;

import static dev.floe.core.decode.Events.decode;
import static dev.floe.core.decode.Events.event;
import static dev.floe.core.decode.Events.gzip;
import static dev.floe.core.decode.Events.lines;
import static dev.floe.core.decode.Events.utf8;
import static dev.floe.core.decode.Events.zstd;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.decode.Events.Decoded;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.data.Record;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A source that cannot be read to its end delivers what it could read, then one reject. */
class ReadFailureTest {
  private static final int LINES = 2000;

  /** zstd decodes whole blocks of up to 128 KiB, so it needs more lines to lose only some. */
  private static final int ZSTD_LINES = 20_000;

  @Test
  void truncatedGzipDeliversCompleteLinesThenOneReject() {
    byte[] compressed = gzip(utf8(lines(LINES)));

    Decoded decoded = decode(Arrays.copyOf(compressed, compressed.length / 2));

    assertDeliveredPrefixThenReject(
        decoded,
        LINES,
        "Cannot read source: truncated or corrupt input (Unexpected end of ZLIB input stream)");
  }

  @Test
  void truncatedZstdDeliversCompleteLinesThenOneReject() {
    byte[] compressed = zstd(utf8(lines(ZSTD_LINES)));

    Decoded decoded = decode(Arrays.copyOf(compressed, compressed.length / 2));

    assertDeliveredPrefixThenReject(
        decoded, ZSTD_LINES, "Cannot read source: truncated or corrupt input (Truncated source)");
  }

  @Test
  void aFailingStreamIsNotMistakenForBadContent() {
    byte[] input = utf8(lines(3) + event(4).substring(0, 30));
    List<Record> records = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    EventDecoder decoder = new EventDecoder(Events.SCHEMA, DecodeLimits.defaults());

    assertThatThrownBy(
            () ->
                decoder.decode(
                    "batch-1.ndjson",
                    Events.failingAfter(input, "Connection reset"),
                    records::add,
                    rejects::add))
        .isInstanceOf(SourceReadException.class)
        .hasMessage("Cannot read source batch-1.ndjson: Connection reset");
    assertThat(rejects).isEmpty();
    assertThat(records).extracting(r -> r.getField("seq")).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aFailingStreamUnderGzipIsNotMistakenForBadContentEither() {
    byte[] compressed = gzip(utf8(lines(LINES)));
    List<Reject> rejects = new ArrayList<>();
    EventDecoder decoder = new EventDecoder(Events.SCHEMA, DecodeLimits.defaults());

    assertThatThrownBy(
            () ->
                decoder.decode(
                    "batch-1.ndjson",
                    Events.failingAfter(Arrays.copyOf(compressed, compressed.length / 2), "reset"),
                    record -> {},
                    rejects::add))
        .isInstanceOf(SourceReadException.class);
    assertThat(rejects).isEmpty();
  }

  @Test
  void corruptGzipHeaderIsOneRejectAtLineOne() {
    byte[] input = {0x1F, (byte) 0x8B, 0x00, 0x00};

    Decoded decoded = decode(input);

    assertThat(decoded.records()).isEmpty();
    assertThat(decoded.rejects())
        .containsExactly(
            new Reject(
                "batch-1.ndjson",
                1,
                "Cannot read source: truncated or corrupt input (Unsupported compression method)",
                new byte[0]));
    assertThat(decoded.stats()).isEqualTo(new DecodeStats(1, 0, 1, 0));
  }

  private static void assertDeliveredPrefixThenReject(Decoded decoded, int lines, String reason) {
    int delivered = decoded.records().size();
    assertThat(delivered).isBetween(1, lines - 1);
    assertThat(decoded.seqs()).isEqualTo(LongStream.rangeClosed(1, delivered).boxed().toList());
    Reject reject = decoded.onlyReject();
    assertThat(reject.line()).isEqualTo(delivered + 1);
    assertThat(reject.reason()).isEqualTo(reason);
    assertThat(event(delivered + 1)).startsWith(new String(reject.raw(), UTF_8));
    assertThat(decoded.stats().lines()).isEqualTo(delivered + 1);
    assertThat(decoded.stats().rejected()).isEqualTo(1);
  }
}
