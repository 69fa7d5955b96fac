package dev.floe.core.maintenance;

import dev.floe.core.maintenance.CompactionInput.ScannedFile;
import dev.floe.core.maintenance.SkippedPartition.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;

/**
 * Bin-pack planning, pure: from the table's live files (a {@link CompactionInput}) to an immutable
 * {@link CompactionPlan}.
 *
 * <ul>
 *   <li>Per partition, the small Parquet files (below {@link CompactionOptions#smallFileBytes()})
 *       are the candidates; files near the target are left as they are.
 *   <li>A sorted run ({@link CompactionOptions#sort()}) on a table with a sort order also takes
 *       every file whose {@code sort_order_id} is not the table's (as ingest writes them, or sorted
 *       by an earlier order), whatever its size: a group holding one is rewritten even when it is
 *       a single file. Files already in the table's order and near the target stay, so a second
 *       run plans nothing.
 *   <li>A partition written within {@code min-age} by anything but compaction is skipped, as is a
 *       partition with delete files.
 *   <li>Candidates are cut into groups of at most {@code max-group-size} bytes (and never more than
 *       the byte cap); a group whose column data is {@code B} bytes becomes about {@code ceil(B /
 *       target)} files, and is kept only with at least {@code min-input-files} files and fewer
 *       outputs than inputs.
 *   <li>Groups with the most files come first; planning stops at the first group that would take
 *       the run past {@code max-bytes}.
 * </ul>
 */
public final class CompactionPlanner {
  private static final Comparator<FileGroup> MOST_FILES_FIRST =
      Comparator.comparingInt((FileGroup group) -> group.files().size())
          .reversed()
          .thenComparing(FileGroup::partition)
          .thenComparing(group -> group.files().get(0).location());

  private CompactionPlanner() {}

  public static CompactionPlan plan(CompactionInput input, CompactionOptions options) {
    Map<PartitionRef, List<ScannedFile>> byPartition = new TreeMap<>();
    for (ScannedFile file : input.files()) {
      byPartition.computeIfAbsent(file.partition(), p -> new ArrayList<>()).add(file);
    }
    Instant writtenSince = input.now().minus(options.minAge());
    List<FileGroup> candidates = new ArrayList<>();
    List<SkippedPartition> skipped = new ArrayList<>();
    byPartition.forEach(
        (partition, files) -> {
          List<DataFile> small =
              files.stream()
                  .map(ScannedFile::file)
                  .filter(file -> file.format() == FileFormat.PARQUET)
                  .filter(file -> file.fileSizeInBytes() < options.smallFileBytes() || unsorted(file, input, options))
                  .sorted(Comparator.comparing(DataFile::location))
                  .toList();
          if (small.isEmpty()) {
            return;
          }
          Instant lastWrite = input.lastWrites().get(partition);
          if (lastWrite != null && lastWrite.isAfter(writtenSince)) {
            skipped.add(skip(partition, Reason.STILL_BEING_WRITTEN, small));
          } else if (files.stream().anyMatch(ScannedFile::hasDeletes)) {
            skipped.add(skip(partition, Reason.HAS_DELETE_FILES, small));
          } else {
            for (List<DataFile> chunk : chunks(small, options.groupLimitBytes())) {
              boolean sorting = chunk.stream().anyMatch(file -> unsorted(file, input, options));
              group(partition, chunk, options, sorting, candidates, skipped);
            }
          }
        });
    candidates.sort(MOST_FILES_FIRST);
    List<FileGroup> groups = new ArrayList<>();
    long planned = 0;
    boolean capReached = false;
    for (FileGroup group : candidates) {
      if (group.bytes() > options.maxBytes().bytes()) {
        skipped.add(skip(group.partition(), Reason.LARGER_THAN_BYTE_CAP, group.files()));
        continue;
      }
      capReached = capReached || planned + group.bytes() > options.maxBytes().bytes();
      if (capReached) {
        skipped.add(skip(group.partition(), Reason.BYTE_CAP_REACHED, group.files()));
      } else {
        groups.add(group);
        planned += group.bytes();
      }
    }
    return new CompactionPlan(
        input.table(), input.snapshotId(), input.now(), options, input.files().size(), input.bytes(), groups, skipped);
  }

  /** A file a sorted run must rewrite: the table has a sort order and the file is not written in it. */
  private static boolean unsorted(DataFile file, CompactionInput input, CompactionOptions options) {
    return options.sort() && input.sortOrderId() > 0 && !Integer.valueOf(input.sortOrderId()).equals(file.sortOrderId());
  }

  /** A group of files, kept when rewriting them gains something: fewer files, or files in the sort order. */
  private static void group(
      PartitionRef partition,
      List<DataFile> files,
      CompactionOptions options,
      boolean sorting,
      List<FileGroup> groups,
      List<SkippedPartition> skipped) {
    long content = files.stream().mapToLong(CompactionPlanner::contentBytes).sum();
    long expected = Math.max(1, ceilDiv(content, options.targetFileSize().bytes()));
    if (sorting) {
      groups.add(new FileGroup(partition, files, Math.toIntExact(expected)));
    } else if (files.size() < options.minInputFiles()) {
      skipped.add(skip(partition, Reason.TOO_FEW_FILES, files));
    } else if (expected >= files.size()) {
      skipped.add(skip(partition, Reason.NO_GAIN, files));
    } else {
      groups.add(new FileGroup(partition, files, Math.toIntExact(expected)));
    }
  }

  /** Consecutive runs of files of at most {@code limit} bytes each (a larger file alone). */
  private static List<List<DataFile>> chunks(List<DataFile> files, long limit) {
    List<List<DataFile>> chunks = new ArrayList<>();
    List<DataFile> current = new ArrayList<>();
    long bytes = 0;
    for (DataFile file : files) {
      if (!current.isEmpty() && bytes + file.fileSizeInBytes() > limit) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(file);
      bytes += file.fileSizeInBytes();
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  /**
   * The bytes of a file's column chunks when its metrics have them, else its size: what a rewrite
   * carries over. Footers and bloom filters are per file, and a small file's can outweigh its data
   * (a 20-row file with a 64 KB do_id bloom filter), so estimating from file sizes would predict
   * far more output files than a rewrite makes.
   */
  static long contentBytes(DataFile file) {
    Map<Integer, Long> columns = file.columnSizes();
    if (columns == null || columns.isEmpty()) {
      return file.fileSizeInBytes();
    }
    long sum = columns.values().stream().mapToLong(Long::longValue).sum();
    return sum > 0 ? Math.min(sum, file.fileSizeInBytes()) : file.fileSizeInBytes();
  }

  private static SkippedPartition skip(PartitionRef partition, Reason reason, List<DataFile> files) {
    return new SkippedPartition(
        partition, reason, files.size(), files.stream().mapToLong(DataFile::fileSizeInBytes).sum());
  }

  static long ceilDiv(long numerator, long denominator) {
    return Math.floorDiv(numerator + denominator - 1, denominator);
  }
}
