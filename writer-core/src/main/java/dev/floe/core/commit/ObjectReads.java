package dev.floe.core.commit;

import java.io.IOException;
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
    try (SeekableInputStream in = file.newStream()) {
      byte[] buffer = new byte[length];
      int read;
      if (in instanceof RangeReadable ranges) {
        read = ranges.readTail(buffer, 0, length);
      } else {
        long size = file.getLength();
        read = (int) Math.min(length, size);
        in.seek(size - read);
        readFully(in, buffer, read, file);
      }
      count(read);
      return read == length ? buffer : Arrays.copyOf(buffer, read);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read batch ledger file " + file.location() + ": " + e.getMessage(), e);
    }
  }

  /** {@code length} bytes of {@code file} from {@code position}. */
  byte[] range(InputFile file, long position, int length) {
    byte[] buffer = new byte[length];
    try (SeekableInputStream in = file.newStream()) {
      if (in instanceof RangeReadable ranges) {
        ranges.readFully(position, buffer, 0, length);
      } else {
        in.seek(position);
        readFully(in, buffer, length, file);
      }
      count(length);
      return buffer;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read batch ledger file " + file.location() + ": " + e.getMessage(), e);
    }
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
