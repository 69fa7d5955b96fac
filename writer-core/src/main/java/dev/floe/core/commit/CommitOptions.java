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
 * @param catalog what a failed commit's reload proves (see {@link Catalog})
 */
public record CommitOptions(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration dedupeWindow, Catalog catalog) {
  /** What the table, reloaded after a commit that failed without a definite answer, proves. */
  public enum Catalog {
    /**
     * A catalog across a network (REST, or a database server): a commit whose answer was lost may
     * still land after the reload, so a reload without it proves nothing. The default.
     */
    REMOTE,
    /**
     * The embedded catalog (SQLite in the warehouse, in this process): a commit is one local
     * transaction that is over when the call returns, so a reload that does not show it proves it
     * did not land and never will; its files may be deleted (a full disk, say, failed it).
     */
    EMBEDDED
  }

  public static final String DEDUPE_WINDOW = "commit.dedupe-window";
  public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofDays(7);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  public CommitOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration dedupeWindow) {
    this(maxAttempts, initialBackoff, maxBackoff, dedupeWindow, Catalog.REMOTE);
  }

  public CommitOptions {
    java.util.Objects.requireNonNull(catalog, "catalog");
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

  public CommitOptions withCatalog(Catalog kind) {
    return new CommitOptions(maxAttempts, initialBackoff, maxBackoff, dedupeWindow, kind);
  }

  /** Backoff before attempt {@code attempt} (2-based): doubling from the initial, capped. */
  public Duration backoff(int attempt) {
    long factor = 1L << Math.min(attempt - 2, 20);
    Duration backoff = initialBackoff.multipliedBy(factor);
    return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
  }
}
