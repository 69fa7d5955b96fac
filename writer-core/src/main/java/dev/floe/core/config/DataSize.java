package dev.floe.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in bytes, written and parsed with binary units ({@code 128MB} is 128 MiB). */
public record DataSize(long bytes) implements Comparable<DataSize> {
  private static final Pattern FORMAT =
      Pattern.compile("\\s*(\\d+)\\s*(B|KB|KIB|K|MB|MIB|M|GB|GIB|G|TB|TIB|T)?\\s*");
  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

  public DataSize {
    if (bytes < 0) {
      throw new InvalidConfigException("Invalid size: " + bytes + " bytes is negative");
    }
  }

  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  public static DataSize ofKilobytes(long kilobytes) {
    return new DataSize(Math.multiplyExact(kilobytes, 1024L));
  }

  public static DataSize ofMegabytes(long megabytes) {
    return new DataSize(Math.multiplyExact(megabytes, 1024L * 1024));
  }

  /** Parses {@code 1048576}, {@code 512KB}, {@code 128MB}, {@code 2GB} (binary units). */
  public static DataSize parse(String text) {
    Matcher matcher = FORMAT.matcher(text.toUpperCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new InvalidConfigException(
          "Invalid size: '" + text + "' (expected a number with an optional unit B, KB, MB, GB, TB)");
    }
    long number = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "B" : matcher.group(2);
    int power =
        switch (unit.charAt(0)) {
          case 'K' -> 1;
          case 'M' -> 2;
          case 'G' -> 3;
          case 'T' -> 4;
          default -> 0;
        };
    try {
      return new DataSize(Math.multiplyExact(number, 1L << (10 * power)));
    } catch (ArithmeticException e) {
      throw new InvalidConfigException("Invalid size: '" + text + "' is too large", e);
    }
  }

  @Override
  public int compareTo(DataSize other) {
    return Long.compare(bytes, other.bytes);
  }

  /** The largest unit that represents the size exactly, e.g. {@code 128MB}. */
  @Override
  public String toString() {
    long value = bytes;
    int unit = 0;
    while (value != 0 && value % 1024 == 0 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return value + UNITS[unit];
  }
}
