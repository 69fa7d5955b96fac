package dev.floe.core.maintenance;

import dev.floe.core.maintenance.CompactionInput.ScannedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/** Reads what the compaction planner needs from a table: its live files and recent writes. */
final class CompactionScan {
  private CompactionScan() {}

  static CompactionInput scan(Table table, Instant now, Duration minAge) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return CompactionInput.empty(table.name(), now);
    }
    Map<Integer, PartitionSpec> specs = table.specs();
    List<ScannedFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(current.snapshotId()).includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(new ScannedFile(partition(specs, task.file()), task.file(), !task.deletes().isEmpty()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the data files of " + table.name() + ": " + e.getMessage(), e);
    }
    int sortOrderId = table.sortOrder().isSorted() ? table.sortOrder().orderId() : 0;
    return new CompactionInput(
        table.name(), current.snapshotId(), now, files, lastWrites(table, current, now.minus(minAge)), sortOrderId);
  }

  /**
   * When each partition was last written by something other than compaction, for the commits since
   * {@code since}: only those can make a partition count as still being written, so older history
   * is not read.
   */
  private static Map<PartitionRef, Instant> lastWrites(Table table, Snapshot current, Instant since) {
    Map<Integer, PartitionSpec> specs = table.specs();
    Map<PartitionRef, Instant> lastWrites = new HashMap<>();
    for (Snapshot snapshot : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      Instant committed = Instant.ofEpochMilli(snapshot.timestampMillis());
      if (!committed.isAfter(since)) {
        break;
      }
      if (DataOperations.REPLACE.equals(snapshot.operation())) {
        continue;
      }
      SnapshotChanges changes = SnapshotChanges.builderFor(table).snapshot(snapshot).build();
      List<ContentFile<?>> added = new ArrayList<>();
      changes.addedDataFiles().forEach(added::add);
      changes.addedDeleteFiles().forEach(added::add);
      for (ContentFile<?> file : added) {
        lastWrites.merge(partition(specs, file), committed, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return lastWrites;
  }

  static PartitionRef partition(Map<Integer, PartitionSpec> specs, ContentFile<?> file) {
    PartitionSpec spec = specs.get(file.specId());
    return new PartitionRef(file.specId(), spec.isUnpartitioned() ? "" : spec.partitionToPath(file.partition()));
  }
}
