package dev.floe.core.commit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.RangeReadable;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Bounded reads of parts of an object, counted: one ranged GET each on S3 (Iceberg's {@link
 * RangeReadable}), a seek and a read on other file systems. The counts are what a dedupe check
 * costs, reported by the batch ledger.
 */
final class ObjectReads {
  private long requests;
  private long bytes;

  /** Read requests made so far. */
  long requests() {
    return requests;
  }

  /** Bytes read so far. */
  long bytes() {
    return bytes;
  }

  /** Counts a request of {@code length} bytes that a stream read by itself. */
  void count(long length) {
    requests++;
    bytes += length;
  }

  /** The last {@code length} bytes of {@code file}, or all of it when it is shorter. */
  byte[] tail(InputFile file, int length) {
    byte[] buffer = new byte[length];
    int read =
        withRetries(
            file,
            () -> {
              try (SeekableInputStream in = file.newStream()) {
                if (in instanceof RangeReadable ranges) {
                  return ranges.readTail(buffer, 0, length);
                }
                long size = file.getLength();
                int n = (int) Math.min(length, size);
                in.seek(size - n);
                readFully(in, buffer, n, file);
                return n;
              }
            });
    count(read);
    return read == length ? buffer : Arrays.copyOf(buffer, read);
  }

  /** {@code length} bytes of {@code file} from {@code position}. */
  byte[] range(InputFile file, long position, int length) {
    byte[] buffer = new byte[length];
    withRetries(
        file,
        () -> {
          try (SeekableInputStream in = file.newStream()) {
            if (in instanceof RangeReadable ranges) {
              ranges.readFully(position, buffer, 0, length);
            } else {
              in.seek(position);
              readFully(in, buffer, length, file);
            }
            return length;
          }
        });
    count(length);
    return buffer;
  }

  /**
   * Runs one read, again on a fresh stream when it fails with an I/O error (a connection reset
   * while the body arrives, a time-out): Iceberg's S3 stream retries its sequential reads but
   * makes a ranged read ({@code readTail}, {@code readFully(position, ...)}) once, so a dedupe
   * check would otherwise fail a run on one dropped connection. An object that does not exist
   * fails at once (that is not an I/O error here), and so does the last attempt.
   */
  private static int withRetries(InputFile file, Read read) {
    for (int attempt = 1; ; attempt++) {
      IOException failure;
      try {
        return read.run();
      } catch (IOException e) {
        failure = e;
      } catch (UncheckedIOException e) {
        failure = e.getCause();
      }
      if (attempt >= ATTEMPTS) {
        throw new UncheckedIOException(
            "Cannot read batch ledger file " + file.location() + " (" + ATTEMPTS + " attempts): " + failure.getMessage(),
            failure);
      }
      try {
        Thread.sleep(BACKOFF_MILLIS << (2 * (attempt - 1)));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(
            "Interrupted while reading batch ledger file " + file.location(), new InterruptedIOException());
      }
    }
  }

  /** Attempts of one ranged read, and the first pause between them (then x4 each time). */
  static final int ATTEMPTS = 4;

  private static final long BACKOFF_MILLIS = 50;

  @FunctionalInterface
  private interface Read {
    int run() throws IOException;
  }

  private static void readFully(SeekableInputStream in, byte[] buffer, int length, InputFile file) throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(buffer, done, length - done);
      if (n < 0) {
        throw new IllegalStateException("Invalid batch ledger file " + file.location() + ": it is shorter than it says");
      }
      done += n;
    }
  }
}
