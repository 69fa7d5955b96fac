package dev.floe.core.decode;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** The unit of a timestamp given as a JSON number (Pipelines' {@code unit}). */
public enum TimestampUnit {
  SECOND(1_000_000_000L),
  MILLISECOND(1_000_000L),
  MICROSECOND(1_000L),
  NANOSECOND(1L);

  private final long nanos;

  TimestampUnit(long nanos) {
    this.nanos = nanos;
  }

  /** Pipelines' spelling: {@code second}, {@code millisecond}, {@code microsecond}, {@code nanosecond}. */
  public static Optional<TimestampUnit> parse(String text) {
    for (TimestampUnit unit : values()) {
      if (unit.key().equals(text)) {
        return Optional.of(unit);
      }
    }
    return Optional.empty();
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** As reasons name it: "seconds", "milliseconds". */
  String plural() {
    return key() + "s";
  }

  /** The instant {@code amount} of this unit after the epoch; empty when no Instant is that far. */
  Optional<Instant> instant(long amount) {
    try {
      long seconds = Math.floorDiv(amount, 1_000_000_000L / nanos);
      long rest = Math.floorMod(amount, 1_000_000_000L / nanos);
      return Optional.of(Instant.ofEpochSecond(seconds, rest * nanos));
    } catch (DateTimeException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
