package dev.floe.core.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches that test eight bytes at a time (SWAR: a long read from the array, and the
 * classic "has a zero byte" bit trick), for the scans every input byte goes through: line ends,
 * ASCII runs, and the end of a JSON string.
 */
final class ByteScan {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long NEWLINES = ONES * '\n';
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long SPACES = ONES * 0x20;

  private ByteScan() {}

  /** Non-zero when some byte of {@code word} is zero. */
  private static long zeroByte(long word) {
    return (word - ONES) & ~word & HIGHS;
  }

  /** Index of the first {@code '\n'} in {@code [from, to)}, or -1. */
  static int newline(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      if (zeroByte((long) LONGS.get(bytes, i) ^ NEWLINES) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first byte at or above 0x80 in {@code [from, to)}, or {@code to}. */
  static int nonAscii(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      if (((long) LONGS.get(bytes, i) & HIGHS) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      if (bytes[i] < 0) {
        return i;
      }
    }
    return to;
  }

  /**
   * Index of the first byte in {@code [from, to)} that ends a plain run inside a JSON string: a
   * quote, a backslash or a control character (below 0x20); {@code to} when there is none.
   */
  static int stringSpecial(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      // Bytes below 0x20: (word - 0x20..) sets a byte's high bit when it borrowed, and ~word keeps
      // only bytes below 0x80, so together they flag exactly the bytes below 0x20 (first one exact).
      long control = (word - SPACES) & ~word & HIGHS;
      if ((zeroByte(word ^ QUOTES) | zeroByte(word ^ BACKSLASHES) | control) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte b = bytes[i];
      if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
        return i;
      }
    }
    return to;
  }
}
