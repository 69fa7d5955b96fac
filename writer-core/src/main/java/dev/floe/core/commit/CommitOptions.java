package dev.floe.core.commit;

import java.time.Duration;

/**
 * Retries around an Iceberg commit. Iceberg already retries a conflicting commit internally
 * ({@code commit.retry.*} table properties); these attempts come on top, after a fresh reload, for
 * tables with many concurrent writers.
 */
public record CommitOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  public CommitOptions {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("Invalid commit attempts: " + maxAttempts + " (at least 1)");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "Invalid commit backoff: initial " + initialBackoff + ", max " + maxBackoff);
    }
  }

  public static CommitOptions defaults() {
    return new CommitOptions(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
  }

  /** Backoff before attempt {@code attempt} (2-based): doubling from the initial, capped. */
  public Duration backoff(int attempt) {
    long factor = 1L << Math.min(attempt - 2, 20);
    Duration backoff = initialBackoff.multipliedBy(factor);
    return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
  }
}
