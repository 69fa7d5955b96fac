package dev.floe.core.maintenance;

import java.time.Duration;
import java.util.List;

/**
 * What a compaction run did (or, for a dry run, would do).
 *
 * @param filesBefore live data files when planned
 * @param filesAfter {@code filesBefore} minus the files rewritten plus the files written: this
 *     run's effect, leaving out concurrent ingests (for a dry run, the planned effect)
 * @param bytesAfter likewise; for a dry run the input bytes stand in for the unknown output bytes
 * @param groupsConflicted groups whose commit conflicted with a concurrent change and were
 *     skipped, their new files deleted; a later run plans them again
 */
public record CompactionResult(
    String table,
    String runId,
    boolean dryRun,
    int filesBefore,
    long bytesBefore,
    int filesAfter,
    long bytesAfter,
    int groupsPlanned,
    int groupsCommitted,
    int groupsConflicted,
    int filesRewritten,
    long bytesRewritten,
    int filesWritten,
    long bytesWritten,
    List<GroupResult> groups,
    List<SkippedPartition> skipped,
    Duration duration) {

  public CompactionResult {
    groups = List.copyOf(groups);
    skipped = List.copyOf(skipped);
  }

  public enum Status {
    PLANNED,
    COMMITTED,
    CONFLICT
  }

  /**
   * One group's outcome.
   *
   * @param snapshotId the group's commit, null unless committed
   * @param message why a group was skipped, null otherwise
   */
  public record GroupResult(
      PartitionRef partition,
      Status status,
      int inputFiles,
      long inputBytes,
      long rows,
      int outputFiles,
      long outputBytes,
      Long snapshotId,
      String message) {}

  /** What executing {@code plan} would do. */
  public static CompactionResult dryRun(CompactionPlan plan) {
    List<GroupResult> groups =
        plan.groups().stream()
            .map(
                group ->
                    new GroupResult(
                        group.partition(), Status.PLANNED, group.files().size(), group.bytes(), group.records(),
                        group.expectedFiles(), group.bytes(), null, null))
            .toList();
    return new CompactionResult(
        plan.table(), null, true, plan.tableFiles(), plan.tableBytes(),
        plan.tableFiles() - plan.inputFiles() + plan.expectedFiles(), plan.tableBytes(),
        plan.groups().size(), 0, 0, plan.inputFiles(), plan.inputBytes(), plan.expectedFiles(), plan.inputBytes(),
        groups, plan.skipped(), Duration.ZERO);
  }

  /** One line for people, e.g. {@code compaction: 600 -> 12 data files (2.1MB -> 1.9MB), 3 groups}. */
  public String summary() {
    return String.format(
        "compaction%s: %d -> %d data files (%s -> %s); %d of %d groups committed, %d conflicted; %d files rewritten into %d; %d partitions skipped",
        dryRun ? " (dry run)" : "", filesBefore, filesAfter, Bytes.format(bytesBefore), Bytes.format(bytesAfter),
        groupsCommitted, groupsPlanned, groupsConflicted, filesRewritten, filesWritten, skipped.size());
  }
}
