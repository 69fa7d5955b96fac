package dev.floe.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Run ids such as {@code 20261124T084512Z-3f9a1c2b}: sortable by start time, unique, and safe in file names. */
public final class RunIds {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String next(Clock clock) {
    byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    return FORMAT.format(clock.instant()) + "-" + HexFormat.of().formatHex(random);
  }
}
