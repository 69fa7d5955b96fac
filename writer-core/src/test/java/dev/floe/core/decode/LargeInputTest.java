package dev.floe.core.decode;

import static dev.floe.core.decode.Events.event;
import static dev.floe.core.decode.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Inputs far larger than any buffer decode in bounded memory with exact counts. */
class LargeInputTest {
  private static final int LINES = 200_000;

  @Test
  void decodesGeneratedStreamOfManyLines() {
    GeneratedLines input = new GeneratedLines(LINES);
    AtomicLong records = new AtomicLong();
    AtomicLong seqSum = new AtomicLong();
    AtomicLong rejects = new AtomicLong();

    DecodeStats stats =
        new EventDecoder(Events.SCHEMA, DecodeLimits.defaults())
            .decode(
                "generated",
                input,
                record -> {
                  records.incrementAndGet();
                  seqSum.addAndGet((Long) record.getField("seq"));
                },
                reject -> {
                  assertThat(reject.line() % 1000).isZero();
                  assertThat(reject.reason()).isEqualTo("field 'seq' must be a long, got string");
                  rejects.incrementAndGet();
                });

    long invalid = LINES / 1000;
    assertThat(stats).isEqualTo(new DecodeStats(LINES, LINES - invalid, invalid, input.produced));
    assertThat(records).hasValue(LINES - invalid);
    assertThat(rejects).hasValue(invalid);
    long allSeqs = (long) LINES * (LINES + 1) / 2;
    long invalidSeqs = 1000L * invalid * (invalid + 1) / 2;
    assertThat(seqSum).hasValue(allSeqs - invalidSeqs);
  }

  @Test
  void decodesGeneratedGzipStream() throws Exception {
    PipedInputStream compressed = new PipedInputStream(64 * 1024);
    PipedOutputStream sink = new PipedOutputStream(compressed);
    Thread producer =
        new Thread(
            () -> {
              try (OutputStream gzip = new GZIPOutputStream(sink)) {
                new GeneratedLines(50_000).transferTo(gzip);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    producer.start();

    Events.Decoded decoded = Events.decode(DecodeLimits.defaults(), compressed);
    producer.join();

    assertThat(decoded.stats().records()).isEqualTo(50_000 - 50);
    assertThat(decoded.stats().rejected()).isEqualTo(50);
  }

  /** Valid events, one per line, with every 1000th seq a string; produced while read. */
  private static final class GeneratedLines extends InputStream {
    private final int lines;
    private int line;
    private byte[] current = new byte[0];
    private int next;
    long produced;

    GeneratedLines(int lines) {
      this.lines = lines;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (next == current.length) {
        if (line == lines) {
          return -1;
        }
        line++;
        String text = event(line);
        if (line % 1000 == 0) {
          text = text.replace("\"seq\":" + line, "\"seq\":\"" + line + "\"");
        }
        current = utf8(text + "\n");
        next = 0;
      }
      int count = Math.min(length, current.length - next);
      System.arraycopy(current, next, buffer, offset, count);
      next += count;
      produced += count;
      return count;
    }
  }
}
