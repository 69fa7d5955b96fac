package dev.floe.core.maintenance;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;

/**
 * What the compaction planner sees of a table: plain values, read by {@link CompactionScan} and
 * built directly by tests.
 *
 * @param snapshotId the snapshot the files were read from; the rewrite is validated from it (null
 *     for a table without snapshots)
 * @param now the time the plan is made for
 * @param files every live data file of the snapshot
 * @param lastWrites for each partition that a non-compaction commit added files to recently, the
 *     time of the latest such commit (older writes may be left out)
 * @param sortOrderId the id of the table's sort order, which files a sorted rewrite writes carry;
 *     0 when the table declares none (its files cannot be told sorted from unsorted)
 */
public record CompactionInput(
    String table,
    Long snapshotId,
    Instant now,
    List<ScannedFile> files,
    Map<PartitionRef, Instant> lastWrites,
    int sortOrderId) {

  /**
   * One live data file.
   *
   * @param hasDeletes whether delete files apply to it (floe never writes any; another engine's
   *     deletes make compaction skip the partition)
   */
  public record ScannedFile(PartitionRef partition, DataFile file, boolean hasDeletes) {}

  public CompactionInput {
    files = List.copyOf(files);
    lastWrites = Map.copyOf(lastWrites);
  }

  /** A table without a sort order. */
  public CompactionInput(String table, Long snapshotId, Instant now, List<ScannedFile> files, Map<PartitionRef, Instant> lastWrites) {
    this(table, snapshotId, now, files, lastWrites, 0);
  }

  public static CompactionInput empty(String table, Instant now) {
    return new CompactionInput(table, null, now, List.of(), Map.of());
  }

  public long bytes() {
    return files.stream().mapToLong(f -> f.file().fileSizeInBytes()).sum();
  }
}
