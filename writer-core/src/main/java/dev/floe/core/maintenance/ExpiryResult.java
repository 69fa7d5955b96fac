package dev.floe.core.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a snapshot expiry did (or, for a dry run, would do).
 *
 * @param expiredBefore snapshots committed before this time were eligible
 * @param expiredSnapshotIds the snapshots removed from the metadata (or that would be)
 * @param carriedSnapshots expiring snapshots whose batch digests were carried into table
 *     properties (inside the dedupe window)
 * @param carriedPropertiesPruned carried properties removed because they left the dedupe window
 * @param dataFilesDeleted data, delete and statistics files that only expired snapshots referenced
 *     (0 for a dry run: Iceberg decides them while it commits)
 * @param manifestsDeleted manifests and manifest lists that only expired snapshots referenced (0 for
 *     a dry run)
 */
public record ExpiryResult(
    String table,
    boolean dryRun,
    Instant expiredBefore,
    int retainLast,
    int snapshotsBefore,
    int snapshotsAfter,
    List<Long> expiredSnapshotIds,
    int carriedSnapshots,
    int carriedDigests,
    int carriedPropertiesPruned,
    int dataFilesDeleted,
    int manifestsDeleted,
    Duration duration) {

  public ExpiryResult {
    expiredSnapshotIds = List.copyOf(expiredSnapshotIds);
  }

  public int snapshotsExpired() {
    return expiredSnapshotIds.size();
  }

  public String summary() {
    return String.format(
        "expire snapshots%s: %d -> %d snapshots (%d expired: older than %s and not among the last %d); %d data files and %d manifests deleted; digests of %d snapshots carried, %d carried entries pruned",
        dryRun ? " (dry run)" : "", snapshotsBefore, snapshotsAfter, snapshotsExpired(), expiredBefore, retainLast,
        dataFilesDeleted, manifestsDeleted, carriedSnapshots, carriedPropertiesPruned);
  }
}
