package dev.floe.core.decode;

import dev.floe.core.config.InvalidConfigException;

/**
 * Bounds that keep a hostile or broken source from exhausting memory while it is decoded.
 *
 * @param maxLineBytes longest NDJSON line (or JSON array element) accepted, in bytes, excluding the
 *     line terminator; also the most memory one line may hold
 * @param maxFields most fields one JSON object may have, at any nesting level
 * @param maxNestingDepth deepest nesting of objects and arrays in one event; the event object
 *     itself is depth 1
 */
public record DecodeLimits(int maxLineBytes, int maxFields, int maxNestingDepth) {
  /** Keeps the line buffer within one Java array with headroom for a line terminator. */
  static final int MAX_LINE_BYTES_LIMIT = 1 << 30;

  /** The walker keeps one counter per level, so the depth bounds an allocation too. */
  static final int MAX_NESTING_DEPTH_LIMIT = 10_000;

  public DecodeLimits {
    requireRange("maxLineBytes", maxLineBytes, MAX_LINE_BYTES_LIMIT);
    if (maxFields < 1) {
      throw new InvalidConfigException(
          "Invalid decode limits: maxFields must be positive, got " + maxFields);
    }
    requireRange("maxNestingDepth", maxNestingDepth, MAX_NESTING_DEPTH_LIMIT);
  }

  /** 8 MiB lines, 1000 fields per object, 64 levels of nesting. */
  public static DecodeLimits defaults() {
    return new DecodeLimits(8 * 1024 * 1024, 1000, 64);
  }

  private static void requireRange(String name, int value, int max) {
    if (value < 1 || value > max) {
      throw new InvalidConfigException(
          "Invalid decode limits: " + name + " must be between 1 and " + max + ", got " + value);
    }
  }
}
