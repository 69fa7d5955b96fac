package dev.floe.core.filter;

/** Value orderings that must be exact and match SQL engines, not Java's defaults. */
final class Orderings {
  private static final double TWO_TO_63 = 0x1p63;

  private Orderings() {}

  /**
   * Orders doubles the way SQL engines do rather than like {@link Double#compare}: -0.0 equals 0.0,
   * and NaN equals itself and sorts above every number.
   */
  static int compareDoubles(double left, double right) {
    if (left < right) {
      return -1;
    }
    if (left > right) {
      return 1;
    }
    if (left == right) {
      return 0;
    }
    return Boolean.compare(Double.isNaN(left), Double.isNaN(right));
  }

  /**
   * Compares without widening the long to a double, which would make 2^53 + 1 equal 2^53 and let a
   * filter on a large sequence number match the wrong rows.
   */
  static int compareLongToDouble(long left, double right) {
    if (Double.isNaN(right) || right >= TWO_TO_63) {
      return -1;
    }
    if (right < -TWO_TO_63) {
      return 1;
    }
    // Exact: |right| < 2^63, and the whole part of a double is itself a double.
    long whole = (long) right;
    if (left != whole) {
      return Long.compare(left, whole);
    }
    double fraction = right - whole;
    return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0);
  }

  /** Compares instants given as epoch seconds and nanosecond-of-second. */
  static int compareInstants(long leftSeconds, int leftNanos, long rightSeconds, int rightNanos) {
    int bySeconds = Long.compare(leftSeconds, rightSeconds);
    return bySeconds != 0 ? bySeconds : Integer.compare(leftNanos, rightNanos);
  }

  /**
   * Orders strings by Unicode code point, which is also UTF-8 byte order and the order Parquet
   * statistics use; {@link String#compareTo} compares UTF-16 units and puts emoji before U+FF21.
   */
  static int compareCodePoints(CharSequence left, CharSequence right) {
    int length = Math.min(left.length(), right.length());
    for (int i = 0; i < length; i++) {
      if (left.charAt(i) != right.charAt(i)) {
        return Integer.compare(Character.codePointAt(left, i), Character.codePointAt(right, i));
      }
    }
    return Integer.compare(left.length(), right.length());
  }
}
