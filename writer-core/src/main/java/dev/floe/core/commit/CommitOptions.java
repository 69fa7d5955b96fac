package dev.floe.core.commit;

import dev.floe.core.config.InvalidConfigException;
import java.time.Duration;

/**
 * How floe commits. Iceberg already retries a conflicting commit internally ({@code
 * commit.retry.*} table properties); {@code maxAttempts} come on top, after a fresh reload, for
 * tables with many concurrent writers.
 *
 * @param dedupeWindow how long after its commit a batch offered again is still recognised, even
 *     when another engine expired the snapshot that recorded it: each commit carries its batch
 *     digests in a table property for this long (see {@link BatchLedger}); zero carries nothing
 */
public record CommitOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration dedupeWindow) {
  public static final String DEDUPE_WINDOW = "commit.dedupe-window";
  public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofDays(7);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  public CommitOptions {
    if (maxAttempts < 1) {
      throw new InvalidConfigException("Invalid commit attempts: " + maxAttempts + " (at least 1)");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidConfigException(
          "Invalid commit backoff: initial " + initialBackoff + ", max " + maxBackoff);
    }
    if (dedupeWindow.isNegative()) {
      throw new InvalidConfigException("Invalid dedupe window: " + dedupeWindow + " (negative)");
    }
  }

  public static CommitOptions defaults() {
    return new CommitOptions(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_DEDUPE_WINDOW);
  }

  /** Backoff before attempt {@code attempt} (2-based): doubling from the initial, capped. */
  public Duration backoff(int attempt) {
    long factor = 1L << Math.min(attempt - 2, 20);
    Duration backoff = initialBackoff.multipliedBy(factor);
    return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
  }
}
