package dev.floe.core.decode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Sits between the decompressed source and the JSON array parser: counts bytes, validates UTF-8,
 * and keeps the bytes of the current element so that a rejected element can carry its raw text.
 *
 * <p>Jackson reads ahead in chunks, so an element's bytes are recovered by absolute offset from a
 * window that begins at the current element. The window is bounded: once an element outgrows it,
 * the element's head is set aside and the window slides on, always holding the newest bytes, so the
 * elements after an over-large one are still captured whole.
 */
final class CapturingInputStream extends InputStream {
  private final InputStream input;
  private final int capacity;
  private final Utf8Validator utf8 = new Utf8Validator();
  private byte[] window = new byte[16 * 1024];

  /** Absolute offset of window[0]; windowStart + windowLength is always the position. */
  private long windowStart;

  private int windowLength;
  private long retainFrom;
  private byte[] slidHead;
  private long slidHeadFrom = -1;
  private InvalidUtf8Exception invalidUtf8;

  /** The read error once the parser reaches a byte that is not valid UTF-8. */
  static final class InvalidUtf8Exception extends IOException {
    InvalidUtf8Exception(long offset) {
      super("invalid UTF-8 at byte offset " + offset);
    }
  }

  /**
   * @param capacity most bytes to retain; must exceed the largest read the parser makes
   */
  CapturingInputStream(InputStream input, int capacity) {
    this.input = input;
    this.capacity = capacity;
  }

  /** Decompressed bytes read so far. */
  long position() {
    return windowStart + windowLength;
  }

  /** Lets go of every byte before {@code offset}: no later element starts before it. */
  void retainFrom(long offset) {
    retainFrom = Math.max(retainFrom, offset);
  }

  /** The bytes of {@code [from, to)}, clipped to what the window still holds. */
  byte[] bytes(long from, long to) {
    long begin = Math.max(from, windowStart);
    long finish = Math.min(to, position());
    if (finish <= begin) {
      return new byte[0];
    }
    int offset = (int) (begin - windowStart);
    return Arrays.copyOfRange(window, offset, offset + (int) (finish - begin));
  }

  /** The first bytes from {@code from}, as {@link DecodeRun#head}, even if the window slid on. */
  byte[] head(long from) {
    if (from == slidHeadFrom) {
      return slidHead;
    }
    long begin = Math.max(from, windowStart);
    int offset = (int) (begin - windowStart);
    return DecodeRun.head(window, offset, windowLength - offset);
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (invalidUtf8 != null) {
      throw invalidUtf8;
    }
    int count;
    try {
      count = input.read(buffer, offset, length);
    } catch (RuntimeException e) {
      // Some decompressors fail with runtime exceptions; to the parser, all are read failures.
      throw new IOException(e.getMessage() != null ? e.getMessage() : e.toString(), e);
    }
    if (count < 0) {
      if (utf8.inSequence()) {
        invalidUtf8 = new InvalidUtf8Exception(position());
        throw invalidUtf8;
      }
      return count;
    }
    int invalid = utf8.check(buffer, offset, count);
    if (invalid >= 0) {
      // Hand over the valid bytes before it first, so that the elements before it still decode.
      invalidUtf8 = new InvalidUtf8Exception(position() + invalid - offset);
      count = invalid - offset;
      if (count == 0) {
        throw invalidUtf8;
      }
    }
    retain(buffer, offset, count);
    return count;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int count = read(one, 0, 1);
    return count < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public void close() throws IOException {
    input.close();
  }

  private void retain(byte[] buffer, int offset, int count) {
    dropBefore(retainFrom);
    if (windowLength + count > capacity) {
      if (slidHeadFrom != retainFrom) {
        slidHead = head(retainFrom);
        slidHeadFrom = retainFrom;
      }
      dropBefore(position() + count - capacity);
    }
    if (windowLength + count > window.length) {
      long wanted = Math.max((long) window.length * 2, windowLength + count);
      window = Arrays.copyOf(window, (int) Math.min(wanted, capacity));
    }
    System.arraycopy(buffer, offset, window, windowLength, count);
    windowLength += count;
  }

  private void dropBefore(long offset) {
    if (offset > windowStart) {
      int drop = (int) Math.min(offset - windowStart, windowLength);
      System.arraycopy(window, drop, window, 0, windowLength - drop);
      windowLength -= drop;
      windowStart += drop;
    }
  }
}
