package dev.floe.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.DecodeStats;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.decode.Reject;
import dev.floe.core.schema.EventSchemas;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Coverage-guided fuzzing of the decoder: whatever the bytes, decoding must not throw, hang or
 * allocate without bound, and its counts must add up. Runs its seed inputs in every build; with
 * {@code JAZZER_FUZZ=1} it fuzzes (see docs/reliability.md, Fuzzing).
 */
class DecoderFuzzTest {
  private static final DecodeLimits SMALL = new DecodeLimits(64 * 1024, 100, 16);
  private static final EventDecoder DECODER = new EventDecoder(EventSchemas.defaultSchema(), SMALL);

  @FuzzTest(maxDuration = "30s")
  void decodesAnyBytesWithoutThrowing(FuzzedDataProvider data) throws IOException {
    boolean gzip = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    byte[] input = gzip ? gzip(bytes) : bytes;
    List<Reject> rejects = new ArrayList<>();
    long[] records = {0};

    DecodeStats stats = DECODER.decode("fuzz", new ByteArrayInputStream(input), record -> records[0]++, rejects::add);

    assertThat(stats.records()).isEqualTo(records[0]);
    assertThat(stats.rejected()).isEqualTo(rejects.size());
    // A JSON array stops at its first syntax error, so not every byte is always read.
    assertThat(stats.bytes()).isLessThanOrEqualTo(bytes.length);
    for (Reject reject : rejects) {
      assertThat(reject.line()).isBetween(1L, stats.lines() + 1);
      assertThat(reject.reason()).isNotBlank();
      assertThat(reject.raw().length).isLessThanOrEqualTo(SMALL.maxLineBytes() + 4096);
      assertThat(reject.toJson()).startsWith("{\"source\":\"fuzz\"");
    }
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }
}
