package dev.floe.core.maintenance;

import java.util.Objects;
import org.apache.iceberg.data.Record;

/**
 * An order-independent digest of a multiset of rows: the count, and the sum and the xor of a 64-bit
 * hash of each row's values. Two digests are equal when the rows are the same whatever their
 * order; a row lost, doubled or changed on the way changes the digest except with negligible
 * probability. {@link ExternalSorter} takes one of the rows it spills to disk and one of the rows
 * its final merge returns, so a sorted compaction is checked before anything is committed. Each
 * row's hash goes through a final mix, so a row hash that is merely well spread will do.
 */
final class RowDigest {
  private long count;
  private long sum;
  private long xor;

  void add(Record row) {
    add(hash(row));
  }

  /** Adds a row by its hash, which any function of the row's values that spreads them well may give. */
  void add(long rowHash) {
    long hash = mix(rowHash);
    count++;
    sum += hash;
    xor ^= hash;
  }

  /** A hash of a generic record's values (see {@link FlatRow#hash()} for compaction's flat rows). */
  static long hash(Record row) {
    long hash = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < row.size(); i++) {
      hash = mix(hash * 31 + Objects.hashCode(row.get(i, Object.class)) + i);
    }
    return hash;
  }

  long count() {
    return count;
  }

  boolean sameRowsAs(RowDigest other) {
    return count == other.count && sum == other.sum && xor == other.xor;
  }

  @Override
  public String toString() {
    return count + " rows, digest " + Long.toHexString(sum) + "/" + Long.toHexString(xor);
  }

  /** SplitMix64's finaliser: every input bit reaches every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
