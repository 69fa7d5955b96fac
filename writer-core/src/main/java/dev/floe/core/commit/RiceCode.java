package dev.floe.core.commit;

import java.util.Arrays;

/**
 * Golomb-Rice coding of a sorted sequence of unsigned 32-bit numbers: each gap to the previous
 * number as its quotient by {@code 2^k} in unary (that many 1 bits, then a 0) and its remainder in
 * {@code k} bits. With {@code k} near {@code log2(2^32 / count)}, uniformly spread numbers (digest
 * prefixes) take about {@code k + 2} bits each: 13 bits for 2M, against 32 stored plainly.
 */
final class RiceCode {
  private RiceCode() {}

  /** The parameter for {@code count} uniformly spread 32-bit numbers. */
  static int parameter(long count) {
    if (count <= 1) {
      return 31;
    }
    int k = 63 - Long.numberOfLeadingZeros((1L << 32) / count);
    return Math.max(0, Math.min(31, k));
  }

  /** Appends codes to a growing byte array; numbers must come in ascending unsigned order. */
  static final class Writer {
    private final int k;
    private byte[] bytes = new byte[64];
    private long bits;
    private long previous;

    Writer(int k) {
      this.k = k;
    }

    void add(long value) {
      if (value < previous || value > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("Invalid Rice-coded value " + value + " after " + previous);
      }
      long gap = value - previous;
      previous = value;
      for (long q = gap >>> k; q > 0; q--) {
        bit(1);
      }
      bit(0);
      for (int i = k - 1; i >= 0; i--) {
        bit((int) (gap >>> i) & 1);
      }
    }

    private void bit(int bit) {
      int index = (int) (bits >>> 3);
      if (index == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      if (bit != 0) {
        bytes[index] |= (byte) (0x80 >>> (bits & 7));
      }
      bits++;
    }

    /** The codes so far, padded with 0 bits to a whole byte. */
    byte[] bytes() {
      return Arrays.copyOf(bytes, (int) ((bits + 7) >>> 3));
    }
  }

  /** Reads back the numbers a {@link Writer} added, in order. */
  static final class Reader {
    private final byte[] bytes;
    private final int offset;
    private final long limit;
    private final int k;
    private long bit;
    private long value;

    Reader(byte[] bytes, int offset, int length, int k) {
      this.bytes = bytes;
      this.offset = offset;
      this.limit = (long) length * 8;
      this.k = k;
    }

    /** The next number; the caller knows how many there are. */
    long next() {
      long q = 0;
      while (bit() == 1) {
        q++;
      }
      long r = 0;
      for (int i = 0; i < k; i++) {
        r = (r << 1) | bit();
      }
      value += (q << k) | r;
      if (value > 0xFFFFFFFFL) {
        throw new IllegalStateException("Invalid Rice code: a value beyond 32 bits");
      }
      return value;
    }

    private int bit() {
      if (bit >= limit) {
        throw new IllegalStateException("Invalid Rice code: it ends inside a value");
      }
      int b = (bytes[offset + (int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1;
      bit++;
      return b;
    }
  }
}
