package dev.floe.core.maintenance;

import java.util.List;
import org.apache.iceberg.DataFile;

/**
 * Files of one partition that one commit rewrites into files of about the target size: small ones,
 * and in a sorted run the ones not yet in the table's sort order.
 *
 * @param expectedFiles about how many files the rewrite makes: {@code ceil(column bytes / target
 *     file size)}, see {@link CompactionPlanner#contentBytes}
 */
public record FileGroup(PartitionRef partition, List<DataFile> files, int expectedFiles) {
  public FileGroup {
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Invalid file group for partition " + partition + ": no files");
    }
    if (expectedFiles < 1) {
      throw new IllegalArgumentException("Invalid file group for partition " + partition + ": " + expectedFiles + " output files");
    }
  }

  public long bytes() {
    return files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
  }

  public long records() {
    return files.stream().mapToLong(DataFile::recordCount).sum();
  }

  public List<String> locations() {
    return files.stream().map(DataFile::location).toList();
  }
}
