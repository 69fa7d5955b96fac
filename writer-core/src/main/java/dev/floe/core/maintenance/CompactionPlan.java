package dev.floe.core.maintenance;

import java.time.Instant;
import java.util.List;

/**
 * What one compaction run will rewrite: immutable, made by {@link CompactionPlanner} without any
 * I/O, printed by {@code --dry-run}, executed group by group by {@link CompactionRunner}.
 *
 * @param startingSnapshotId the snapshot the plan was made from; each group's commit is validated
 *     against every change since (null: the table has no snapshot and the plan is empty)
 * @param tableFiles live data files in the table when planned
 * @param tableBytes their total size
 */
public record CompactionPlan(
    String table,
    Long startingSnapshotId,
    Instant plannedAt,
    CompactionOptions options,
    int tableFiles,
    long tableBytes,
    List<FileGroup> groups,
    List<SkippedPartition> skipped) {

  public CompactionPlan {
    groups = List.copyOf(groups);
    skipped = List.copyOf(skipped);
  }

  public boolean isEmpty() {
    return groups.isEmpty();
  }

  public int inputFiles() {
    return groups.stream().mapToInt(group -> group.files().size()).sum();
  }

  public long inputBytes() {
    return groups.stream().mapToLong(FileGroup::bytes).sum();
  }

  public int expectedFiles() {
    return groups.stream().mapToInt(FileGroup::expectedFiles).sum();
  }

  /** Human-readable lines: the totals, one line per group, one per skipped partition. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "Compaction plan for %s (snapshot %s, target %s): %d groups, %d files (%s) -> %d files; table has %d files (%s)%n",
            table, startingSnapshotId, options.targetFileSize(), groups.size(), inputFiles(), Bytes.format(inputBytes()),
            expectedFiles(), tableFiles, Bytes.format(tableBytes)));
    for (FileGroup group : groups) {
      text.append(
          String.format(
              "  rewrite %s: %d files (%s, %d rows) -> %d files%n",
              group.partition(), group.files().size(), Bytes.format(group.bytes()), group.records(), group.expectedFiles()));
    }
    for (SkippedPartition skip : skipped) {
      text.append(
          String.format(
              "  skip %s: %d small files (%s): %s%n",
              skip.partition(), skip.files(), Bytes.format(skip.bytes()), skip.reason().description()));
    }
    return text.toString();
  }
}
