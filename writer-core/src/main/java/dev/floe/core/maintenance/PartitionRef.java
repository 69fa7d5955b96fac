package dev.floe.core.maintenance;

import java.util.Comparator;

/**
 * One partition of a table: the partition spec and the partition's path under it, e.g. {@code
 * timestamp_day=2026-11-02} ({@code ""} for an unpartitioned table). Files are only ever compacted
 * with files of the same partition.
 */
public record PartitionRef(int specId, String path) implements Comparable<PartitionRef> {
  private static final Comparator<PartitionRef> ORDER =
      Comparator.comparingInt(PartitionRef::specId).thenComparing(PartitionRef::path);

  public PartitionRef {
    if (path == null) {
      throw new IllegalArgumentException("Invalid partition: null path (spec " + specId + ")");
    }
  }

  @Override
  public int compareTo(PartitionRef other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    String name = path.isEmpty() ? "(unpartitioned)" : path;
    return specId == 0 ? name : name + " (spec " + specId + ")";
  }
}
