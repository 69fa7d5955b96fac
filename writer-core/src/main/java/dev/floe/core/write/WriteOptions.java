package dev.floe.core.write;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.InvalidConfigException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How data files are written. Turned into Iceberg's Parquet write properties in exactly one place,
 * {@link #parquetProperties()}, which override the table's own properties so that floe writes the
 * same files into a table that another writer (e.g. Cloudflare Pipelines) created.
 *
 * @param targetFileSize a file is closed and a new one started once it reaches this size
 * @param maxOpenFiles how many partitions may have an open file at once; each open file buffers up
 *     to one row group in memory, so this bounds memory whatever the batch spans
 * @param rowGroupSize Parquet row group size
 * @param zstdLevel ZSTD compression level
 * @param bloomFilterColumns columns that get a Parquet bloom filter
 */
public record WriteOptions(
    DataSize targetFileSize,
    int maxOpenFiles,
    DataSize rowGroupSize,
    int zstdLevel,
    List<String> bloomFilterColumns) {

  public static final DataSize DEFAULT_TARGET_FILE_SIZE = DataSize.ofMegabytes(128);
  public static final int DEFAULT_MAX_OPEN_FILES = 4;
  public static final DataSize DEFAULT_ROW_GROUP_SIZE = DataSize.ofMegabytes(64);
  public static final int DEFAULT_ZSTD_LEVEL = 3;
  public static final List<String> DEFAULT_BLOOM_FILTER_COLUMNS = List.of("do_id");
  static final long BLOOM_FILTER_MAX_BYTES = 256 * 1024;
  private static final long MAX_PAGE_SIZE = 1024 * 1024;
  private static final long MIN_PAGE_SIZE = 4 * 1024;

  public WriteOptions {
    bloomFilterColumns = List.copyOf(bloomFilterColumns);
    if (targetFileSize.bytes() < DataSize.ofKilobytes(1).bytes()) {
      throw new InvalidConfigException("Invalid target file size: " + targetFileSize + " (at least 1KB)");
    }
    if (maxOpenFiles < 1) {
      throw new InvalidConfigException("Invalid max open files: " + maxOpenFiles + " (at least 1)");
    }
    if (zstdLevel < 1 || zstdLevel > 22) {
      throw new InvalidConfigException("Invalid ZSTD level: " + zstdLevel + " (1 to 22)");
    }
  }

  public static WriteOptions defaults() {
    return new WriteOptions(
        DEFAULT_TARGET_FILE_SIZE,
        DEFAULT_MAX_OPEN_FILES,
        DEFAULT_ROW_GROUP_SIZE,
        DEFAULT_ZSTD_LEVEL,
        DEFAULT_BLOOM_FILTER_COLUMNS);
  }

  public WriteOptions withTargetFileSize(DataSize size) {
    return new WriteOptions(size, maxOpenFiles, rowGroupSize, zstdLevel, bloomFilterColumns);
  }

  public WriteOptions withMaxOpenFiles(int files) {
    return new WriteOptions(targetFileSize, files, rowGroupSize, zstdLevel, bloomFilterColumns);
  }

  public WriteOptions withRowGroupSize(DataSize size) {
    return new WriteOptions(targetFileSize, maxOpenFiles, size, zstdLevel, bloomFilterColumns);
  }

  long pageSize() {
    return Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, targetFileSize.bytes() / 64));
  }

  /** Iceberg Parquet write properties ({@code write.parquet.*}) for these options. */
  public Map<String, String> parquetProperties() {
    Map<String, String> properties = new TreeMap<>();
    properties.put("write.format.default", "parquet");
    properties.put("write.parquet.compression-codec", "zstd");
    properties.put("write.parquet.compression-level", Integer.toString(zstdLevel));
    properties.put("write.parquet.row-group-size-bytes", Long.toString(rowGroupSize.bytes()));
    properties.put("write.target-file-size-bytes", Long.toString(targetFileSize.bytes()));
    // Iceberg's size estimate counts the page being filled uncompressed, so with 1 MB pages a small
    // target rolls files at a fraction of it once compressed (and compaction would find them small
    // again forever). Pages are capped at 1/64 of the target: 1 MB for targets of 64 MB and more.
    properties.put("write.parquet.page-size-bytes", Long.toString(pageSize()));
    for (String column : bloomFilterColumns) {
      properties.put("write.parquet.bloom-filter-enabled.column." + column, "true");
    }
    if (!bloomFilterColumns.isEmpty()) {
      // Without a known NDV parquet-java gives every filter its maximum size (1 MB per column
      // chunk); the adaptive filter is sized to the distinct values actually written, choosing
      // among candidates from the maximum down to a sixteenth of it. 256 KB holds ~200k distinct
      // ids per row group at 1% false positives, and lets a small file carry a 16 KB filter
      // instead of 64 KB.
      properties.put("write.parquet.bloom-filter-adaptive-enabled", "true");
      properties.put("write.parquet.bloom-filter-max-bytes", Long.toString(BLOOM_FILTER_MAX_BYTES));
    }
    return properties;
  }
}
