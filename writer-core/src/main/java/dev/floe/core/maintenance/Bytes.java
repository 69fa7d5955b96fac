package dev.floe.core.maintenance;

import java.util.Locale;

/** Sizes for people: {@code 512B}, {@code 12.5MB}. */
final class Bytes {
  private static final String[] UNITS = {"KB", "MB", "GB", "TB"};

  private Bytes() {}

  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f%s", value, UNITS[unit]);
  }
}
