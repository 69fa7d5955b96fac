package dev.floe.core.maintenance;

import dev.floe.core.commit.CommitOptions;
import dev.floe.core.config.InvalidConfigException;
import java.time.Duration;

/**
 * Snapshot expiry. A snapshot expires only when both rules allow it: it is older than {@code
 * olderThan} and is not among the {@code retainLast} most recent snapshots of its branch (as R2
 * Data Catalog does).
 *
 * @param dedupeWindow how long after its commit a batch may be offered again and still be
 *     recognised as committed: the batch digests of expiring snapshots younger than this that no
 *     table property carries yet are carried before the expiry (see {@link DedupeCarryOver})
 */
public record ExpiryOptions(Duration olderThan, int retainLast, Duration dedupeWindow) {
  public static final String OLDER_THAN = "maintain.expire.older-than";
  /**
   * One day: at one commit a minute (a cron run a minute) the table keeps ~1,440 snapshots, ~1.5 MB
   * of {@code metadata.json}. (Iceberg's own default, {@code history.expire.max-snapshot-age-ms}, is
   * 5 days, which fits a commit every 5 minutes or less often.) Dedupe does not need snapshot
   * history: the batch ledger outlives any expiry.
   */
  public static final Duration DEFAULT_OLDER_THAN = Duration.ofDays(1);
  public static final String RETAIN_LAST = "maintain.expire.retain-last";
  public static final int DEFAULT_RETAIN_LAST = 1;
  /** The same window ingest commits carry their digests for. */
  public static final String DEDUPE_WINDOW = CommitOptions.DEDUPE_WINDOW;
  public static final Duration DEFAULT_DEDUPE_WINDOW = CommitOptions.DEFAULT_DEDUPE_WINDOW;

  public ExpiryOptions {
    if (olderThan.isNegative()) {
      throw new InvalidConfigException("Invalid expire older-than: " + olderThan + " (negative)");
    }
    if (retainLast < 1) {
      throw new InvalidConfigException("Invalid expire retain-last: " + retainLast + " (at least 1)");
    }
    if (dedupeWindow.isNegative()) {
      throw new InvalidConfigException("Invalid dedupe window: " + dedupeWindow + " (negative)");
    }
  }

  public static ExpiryOptions defaults() {
    return new ExpiryOptions(DEFAULT_OLDER_THAN, DEFAULT_RETAIN_LAST, DEFAULT_DEDUPE_WINDOW);
  }

  public ExpiryOptions withOlderThan(Duration age) {
    return new ExpiryOptions(age, retainLast, dedupeWindow);
  }

  public ExpiryOptions withRetainLast(int snapshots) {
    return new ExpiryOptions(olderThan, snapshots, dedupeWindow);
  }

  public ExpiryOptions withDedupeWindow(Duration window) {
    return new ExpiryOptions(olderThan, retainLast, window);
  }
}
