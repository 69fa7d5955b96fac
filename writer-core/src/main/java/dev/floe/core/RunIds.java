package dev.floe.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Run ids such as {@code 20261124T084512Z-3f9a1c2b5e7d40a1b2c3d4e5f6a7b8c9}: sortable by start time,
 * safe in file names, and unique: a run recognises its own snapshot by its id after a lost answer,
 * so the id carries 128 random bits (a UUID's worth), whatever the number of runs per second.
 */
public final class RunIds {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String next(Clock clock) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    return FORMAT.format(clock.instant()) + "-" + HexFormat.of().formatHex(random);
  }
}
