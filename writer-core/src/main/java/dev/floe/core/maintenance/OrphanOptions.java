package dev.floe.core.maintenance;

import dev.floe.core.config.InvalidConfigException;
import java.time.Duration;

/**
 * Orphan file removal.
 *
 * @param minAge an unreferenced file is deleted only when it was last modified longer ago than
 *     this: a file written by a run that has not committed yet (ingest, compaction) is unreferenced
 *     too, and this age is what keeps it safe
 */
public record OrphanOptions(Duration minAge) {
  public static final String MIN_AGE = "maintain.orphans.min-age";
  public static final Duration DEFAULT_MIN_AGE = Duration.ofDays(3);

  public OrphanOptions {
    if (minAge.isNegative()) {
      throw new InvalidConfigException("Invalid orphan min age: " + minAge + " (negative)");
    }
  }

  public static OrphanOptions defaults() {
    return new OrphanOptions(DEFAULT_MIN_AGE);
  }
}
