package dev.floe.core.decode;

import dev.floe.core.config.InvalidConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The instants a timestamp column accepts: {@code [min, max)}, and optionally no further than
 * {@code maxPast} before or {@code maxFuture} after the start of the run. A well-typed timestamp
 * outside it is almost always a unit mistake (seconds or microseconds read as milliseconds) that
 * would otherwise open a partition decades away from the data, so it is rejected instead.
 */
public record TimestampWindow(
    Instant min, Instant max, Optional<Duration> maxPast, Optional<Duration> maxFuture) {
  public static final Instant DEFAULT_MIN = Instant.parse("2000-01-01T00:00:00Z");
  public static final Instant DEFAULT_MAX = Instant.parse("2100-01-01T00:00:00Z");

  /** Iceberg stores a timestamp as epoch micros in a long: the bounds must be representable. */
  private static final Instant REPRESENTABLE_MIN = Instant.ofEpochSecond(Long.MIN_VALUE / 1_000_000 + 1);

  private static final Instant REPRESENTABLE_MAX = Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000 - 1);

  public TimestampWindow {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(maxPast, "maxPast");
    Objects.requireNonNull(maxFuture, "maxFuture");
    if (!min.isBefore(max)) {
      throw new InvalidConfigException("Invalid timestamp window: min " + min + " is not before max " + max);
    }
    if (min.isBefore(REPRESENTABLE_MIN) || max.isAfter(REPRESENTABLE_MAX)) {
      throw new InvalidConfigException(
          "Invalid timestamp window: " + min + " to " + max + " is beyond what Iceberg can store ("
              + REPRESENTABLE_MIN + " to " + REPRESENTABLE_MAX + ")");
    }
    maxPast.ifPresent(d -> requirePositive("maxPast", d));
    maxFuture.ifPresent(d -> requirePositive("maxFuture", d));
  }

  /** 2000-01-01T00:00:00Z (inclusive) to 2100-01-01T00:00:00Z (exclusive), nothing relative. */
  public static TimestampWindow defaults() {
    return new TimestampWindow(DEFAULT_MIN, DEFAULT_MAX, Optional.empty(), Optional.empty());
  }

  /** Every instant Iceberg can store: no plausibility check at all. */
  public static TimestampWindow unbounded() {
    return new TimestampWindow(REPRESENTABLE_MIN, REPRESENTABLE_MAX, Optional.empty(), Optional.empty());
  }

  /** The absolute window of a run starting at {@code now}: the relative bounds folded in. */
  public TimestampWindow at(Instant now) {
    Instant low = maxPast.map(now::minus).filter(min::isBefore).orElse(min);
    Instant high = maxFuture.map(now::plus).filter(max::isAfter).orElse(max);
    if (!low.isBefore(high)) {
      throw new InvalidConfigException(
          "Invalid timestamp window: at " + now + " it is empty (" + low + " to " + high + ")");
    }
    return new TimestampWindow(low, high, Optional.empty(), Optional.empty());
  }

  boolean isRelative() {
    return maxPast.isPresent() || maxFuture.isPresent();
  }

  boolean contains(Instant instant) {
    return !instant.isBefore(min) && instant.isBefore(max);
  }

  /** As reasons show it: {@code 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z}. */
  String text() {
    return min + " to " + max;
  }

  /**
   * The check on a relative bound ({@code maxPast}, {@code maxFuture}): it must be positive. A
   * config reader passes its key (with where the value came from) as {@code name}, so the error
   * names what to fix.
   *
   * @throws InvalidConfigException {@code Invalid value for <name>: <duration> (must be positive)}
   */
  public static void requirePositive(String name, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new InvalidConfigException("Invalid value for " + name + ": " + duration + " (must be positive)");
    }
  }
}
