package dev.floe.core.maintenance;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.InvalidConfigException;
import java.time.Duration;

/**
 * How compaction picks and rewrites files. Keys and defaults are declared together here; {@link
 * MaintenanceConfig#from} reads them.
 *
 * @param targetFileSize the size rewritten files aim for; a file below three quarters of it is
 *     "small" and a rewrite candidate
 * @param minInputFiles a group needs at least this many small files to be worth a rewrite
 * @param minAge a partition that any non-compaction commit added files to within this time is
 *     still being written and is left alone
 * @param maxBytes the most input bytes one run rewrites; planning stops at the first group that
 *     would exceed it
 * @param maxGroupSize the most input bytes in one group, i.e. in one commit; bounds what a crash
 *     or a conflict can lose
 * @param sort whether rewritten files are sorted by the table's sort order (or {@code do_id, seq})
 * @param sortBufferRows the most rows a sort holds in memory before spilling a sorted run to a
 *     local temp file
 * @param sortBufferSize the most memory the rows held by a sort take (as estimated) before it
 *     spills; at most a quarter of the JVM's heap is used whatever the setting
 * @param sortedRowGroupSize the Parquet row group size of sorted files, in place of {@code
 *     write.row-group-size}: small enough that a one-object lookup's min/max statistics admit a
 *     small share of a partition (measured by LookupBench; see docs/maintenance.md)
 */
public record CompactionOptions(
    DataSize targetFileSize,
    int minInputFiles,
    Duration minAge,
    DataSize maxBytes,
    DataSize maxGroupSize,
    boolean sort,
    int sortBufferRows,
    DataSize sortBufferSize,
    DataSize sortedRowGroupSize) {

  public static final String TARGET_FILE_SIZE = "maintain.compaction.target-file-size";
  public static final DataSize DEFAULT_TARGET_FILE_SIZE = DataSize.ofMegabytes(128);
  public static final String MIN_INPUT_FILES = "maintain.compaction.min-input-files";
  public static final int DEFAULT_MIN_INPUT_FILES = 5;
  public static final String MIN_AGE = "maintain.compaction.min-age";
  public static final Duration DEFAULT_MIN_AGE = Duration.ofHours(1);
  /** R2 Data Catalog's own compaction rewrites at most 2 GB per table per hour. */
  public static final String MAX_BYTES = "maintain.compaction.max-bytes";
  public static final DataSize DEFAULT_MAX_BYTES = DataSize.ofMegabytes(2048);
  public static final String MAX_GROUP_SIZE = "maintain.compaction.max-group-size";
  public static final DataSize DEFAULT_MAX_GROUP_SIZE = DataSize.ofMegabytes(1024);
  public static final String SORT = "maintain.compaction.sort";
  public static final boolean DEFAULT_SORT = false;
  public static final String SORT_BUFFER_ROWS = "maintain.compaction.sort-buffer-rows";
  public static final int DEFAULT_SORT_BUFFER_ROWS = 10_000_000;
  public static final String SORT_BUFFER_SIZE = "maintain.compaction.sort-buffer-size";
  public static final DataSize DEFAULT_SORT_BUFFER_SIZE = DataSize.ofMegabytes(512);
  public static final String SORTED_ROW_GROUP_SIZE = "maintain.compaction.sorted-row-group-size";
  public static final DataSize DEFAULT_SORTED_ROW_GROUP_SIZE = DataSize.ofMegabytes(2);

  public CompactionOptions {
    if (targetFileSize.bytes() < DataSize.ofKilobytes(1).bytes()) {
      throw new InvalidConfigException("Invalid compaction target file size: " + targetFileSize + " (at least 1KB)");
    }
    if (minInputFiles < 2) {
      throw new InvalidConfigException("Invalid compaction min input files: " + minInputFiles + " (at least 2)");
    }
    if (minAge.isNegative()) {
      throw new InvalidConfigException("Invalid compaction min age: " + minAge + " (negative)");
    }
    if (maxGroupSize.bytes() < targetFileSize.bytes()) {
      throw new InvalidConfigException(
          "Invalid compaction max group size: " + maxGroupSize + " (at least the target file size " + targetFileSize + ")");
    }
    if (sortBufferRows < 1) {
      throw new InvalidConfigException("Invalid compaction sort buffer rows: " + sortBufferRows + " (at least 1)");
    }
    if (sortBufferSize.bytes() < DataSize.ofMegabytes(1).bytes()) {
      throw new InvalidConfigException("Invalid compaction sort buffer size: " + sortBufferSize + " (at least 1MB)");
    }
    if (sortedRowGroupSize.bytes() < DataSize.ofKilobytes(64).bytes()) {
      throw new InvalidConfigException("Invalid compaction sorted row group size: " + sortedRowGroupSize + " (at least 64KB)");
    }
  }

  public static CompactionOptions defaults() {
    return new CompactionOptions(
        DEFAULT_TARGET_FILE_SIZE, DEFAULT_MIN_INPUT_FILES, DEFAULT_MIN_AGE, DEFAULT_MAX_BYTES,
        DEFAULT_MAX_GROUP_SIZE, DEFAULT_SORT, DEFAULT_SORT_BUFFER_ROWS, DEFAULT_SORT_BUFFER_SIZE, DEFAULT_SORTED_ROW_GROUP_SIZE);
  }

  /** Files below this size are rewrite candidates: three quarters of the target, as in Iceberg's bin-pack. */
  public long smallFileBytes() {
    return targetFileSize.bytes() / 4 * 3;
  }

  /** Groups never exceed the run's byte cap, so any single group can run. */
  long groupLimitBytes() {
    return Math.min(maxGroupSize.bytes(), maxBytes.bytes());
  }

  public CompactionOptions withTargetFileSize(DataSize size) {
    return new CompactionOptions(size, minInputFiles, minAge, maxBytes, maxGroupSize, sort, sortBufferRows, sortBufferSize, sortedRowGroupSize);
  }

  public CompactionOptions withMinAge(Duration age) {
    return new CompactionOptions(targetFileSize, minInputFiles, age, maxBytes, maxGroupSize, sort, sortBufferRows, sortBufferSize, sortedRowGroupSize);
  }

  public CompactionOptions withMinInputFiles(int files) {
    return new CompactionOptions(targetFileSize, files, minAge, maxBytes, maxGroupSize, sort, sortBufferRows, sortBufferSize, sortedRowGroupSize);
  }

  public CompactionOptions withMaxBytes(DataSize bytes) {
    return new CompactionOptions(targetFileSize, minInputFiles, minAge, bytes, maxGroupSize, sort, sortBufferRows, sortBufferSize, sortedRowGroupSize);
  }

  public CompactionOptions withMaxGroupSize(DataSize bytes) {
    return new CompactionOptions(targetFileSize, minInputFiles, minAge, maxBytes, bytes, sort, sortBufferRows, sortBufferSize, sortedRowGroupSize);
  }

  public CompactionOptions sorted(int bufferRows) {
    return new CompactionOptions(targetFileSize, minInputFiles, minAge, maxBytes, maxGroupSize, true, bufferRows, sortBufferSize, sortedRowGroupSize);
  }

  public CompactionOptions withSortBufferSize(DataSize size) {
    return new CompactionOptions(targetFileSize, minInputFiles, minAge, maxBytes, maxGroupSize, sort, sortBufferRows, size, sortedRowGroupSize);
  }

  public CompactionOptions withSortedRowGroupSize(DataSize size) {
    return new CompactionOptions(targetFileSize, minInputFiles, minAge, maxBytes, maxGroupSize, sort, sortBufferRows, sortBufferSize, size);
  }

  public CompactionOptions unsorted() {
    return new CompactionOptions(targetFileSize, minInputFiles, minAge, maxBytes, maxGroupSize, false, sortBufferRows, sortBufferSize, sortedRowGroupSize);
  }
}
