package dev.floe.core.maintenance;

import java.util.Objects;
import org.apache.iceberg.data.Record;

/**
 * An order-independent digest of a multiset of rows: the count, and the sum and the xor of a 64-bit
 * hash of each row's values. Two digests are equal when the rows are the same whatever their
 * order; a row lost, doubled or changed on the way changes the digest except with negligible
 * probability. {@link ExternalSorter} takes one of the rows it spills to disk and one of the rows
 * its final merge returns, so a sorted compaction is checked before anything is committed.
 */
final class RowDigest {
  private long count;
  private long sum;
  private long xor;

  void add(Record row) {
    long hash = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < row.size(); i++) {
      hash = mix(hash * 31 + Objects.hashCode(row.get(i, Object.class)) + i);
    }
    count++;
    sum += hash;
    xor ^= hash;
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
