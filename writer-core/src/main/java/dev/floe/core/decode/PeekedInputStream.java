package dev.floe.core.decode;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream whose first bytes were read ahead to recognise its format, and are replayed.
 *
 * <p>If reading ahead failed, the failure is replayed too, right after the bytes read before it: a
 * source that breaks within its first bytes then fails where it really broke, and the lines before
 * the break still decode.
 */
final class PeekedInputStream extends InputStream {
  private final InputStream input;
  private final byte[] peeked;
  private final int length;
  private final IOException failure;
  private int next;

  private PeekedInputStream(InputStream input, byte[] peeked, int length, IOException failure) {
    this.input = input;
    this.peeked = peeked;
    this.length = length;
    this.failure = failure;
  }

  /** Decides, from what was read ahead so far, that it is enough to recognise the format. */
  interface Enough {
    boolean test(byte[] bytes, int length);
  }

  /** Reads ahead at most {@code max} bytes, stopping early once that is enough. */
  static PeekedInputStream peek(InputStream input, int max, Enough enough) {
    byte[] bytes = new byte[max];
    int length = 0;
    try {
      while (length < max && !enough.test(bytes, length)) {
        int count = input.read(bytes, length, max - length);
        if (count < 0) {
          break;
        }
        length += count;
      }
    } catch (IOException e) {
      return new PeekedInputStream(input, bytes, length, e);
    } catch (RuntimeException e) {
      // Some decompressors fail with runtime exceptions; all are read failures here.
      IOException failure =
          new IOException(e.getMessage() != null ? e.getMessage() : e.toString(), e);
      return new PeekedInputStream(input, bytes, length, failure);
    }
    return new PeekedInputStream(input, bytes, length, null);
  }

  /** How many bytes were read ahead. */
  int peekedLength() {
    return length;
  }

  /** The bytes read ahead, in the first {@link #peekedLength()} places; not to be modified. */
  byte[] peekedBytes() {
    return peeked;
  }

  @Override
  public int read(byte[] buffer, int offset, int count) throws IOException {
    if (count == 0) {
      return 0;
    }
    if (next < length) {
      int copied = Math.min(count, length - next);
      System.arraycopy(peeked, next, buffer, offset, copied);
      next += copied;
      return copied;
    }
    if (failure != null) {
      throw failure;
    }
    return input.read(buffer, offset, count);
  }

  @Override
  public int read() throws IOException {
    if (next < length) {
      return peeked[next++] & 0xFF;
    }
    if (failure != null) {
      throw failure;
    }
    return input.read();
  }

  @Override
  public void close() throws IOException {
    input.close();
  }
}
