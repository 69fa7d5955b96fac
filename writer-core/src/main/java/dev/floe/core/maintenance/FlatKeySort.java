package dev.floe.core.maintenance;

import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortOrder;

/**
 * Sorts a sort buffer of {@link FlatRow}s as {@link FlatLayout#comparator} orders them, and as
 * stably as {@link List#sort}, without comparing the rows themselves: each row's sort fields become
 * a few longs in one array (a string by its rank among the buffer's distinct values of that
 * column, any other value as it is, reversed for a descending field, and a null flag for an
 * optional column), and the rows' indexes are sorted by those longs. A comparison then reads two
 * short runs of one dense array instead of three objects of each row, which made the comparator the
 * largest item of a sorted rewrite's profile. Each distinct string is compared only while ranking
 * the distinct values, so a column of few values (the seed's {@code do_id}) costs one hash per row.
 * When the keys' ranges and the row index fit in 63 bits together (the seed's {@code do_id} rank
 * and {@code seq} do), each row's key is packed into one long and the longs are sorted as
 * primitives, without a comparator.
 */
final class FlatKeySort {
  private final int[] positions;
  private final boolean[] descending;
  private final boolean[] nullsFirst;
  private final boolean[] strings;
  private final boolean[] optional;
  private final int stride;

  FlatKeySort(FlatLayout layout, SortOrder order) {
    List<SortField> fields = order.fields();
    this.positions = new int[fields.size()];
    this.descending = new boolean[fields.size()];
    this.nullsFirst = new boolean[fields.size()];
    this.strings = new boolean[fields.size()];
    this.optional = new boolean[fields.size()];
    int words = 0;
    for (int i = 0; i < fields.size(); i++) {
      positions[i] = layout.position(fields.get(i).sourceId());
      descending[i] = fields.get(i).direction() == SortDirection.DESC;
      nullsFirst[i] = fields.get(i).nullOrder() == NullOrder.NULLS_FIRST;
      strings[i] = layout.isString(positions[i]);
      optional[i] = layout.struct().fields().get(positions[i]).isOptional();
      words += optional[i] ? 2 : 1;
    }
    this.stride = words;
  }

  /** Sorts the rows in place. */
  void sort(List<FlatRow> rows) {
    int count = rows.size();
    if (count < 2 || positions.length == 0) {
      return;
    }
    FlatRow[] array = rows.toArray(new FlatRow[0]);
    long[] keys = keys(array);
    int[] order = packedOrder(keys, stride, count);
    if (order == null) {
      order = mergeOrder(keys, stride, count);
    }
    for (int i = 0; i < count; i++) {
      rows.set(i, array[order[i]]);
    }
  }

  /**
   * The rows' order by their keys ({@code stride} longs a row), stably, when every key word's range
   * and the row index fit in one long together: each row's words, less their minimum, and then its
   * index are packed into a long, and the longs are sorted as primitives. The index in the low bits
   * makes the longs distinct and keeps equal keys in their order. Null when they do not fit.
   */
  static int[] packedOrder(long[] keys, int stride, int count) {
    int indexBits = 32 - Integer.numberOfLeadingZeros(count - 1);
    long[] min = new long[stride];
    int[] bits = new int[stride];
    int total = indexBits;
    for (int word = 0; word < stride; word++) {
      long low = Long.MAX_VALUE;
      long high = Long.MIN_VALUE;
      for (int i = word; i < keys.length; i += stride) {
        low = Math.min(low, keys[i]);
        high = Math.max(high, keys[i]);
      }
      long range = high - low;
      if (range < 0) {
        return null; // wider than a long
      }
      min[word] = low;
      bits[word] = 64 - Long.numberOfLeadingZeros(range);
      total += bits[word];
    }
    if (total > 63) {
      return null;
    }
    long[] packed = new long[count];
    for (int row = 0; row < count; row++) {
      long value = 0;
      for (int word = 0; word < stride; word++) {
        value = (value << bits[word]) | (keys[row * stride + word] - min[word]);
      }
      packed[row] = (value << indexBits) | row;
    }
    Arrays.sort(packed);
    long mask = (1L << indexBits) - 1;
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = (int) (packed[i] & mask);
    }
    return order;
  }

  /** The rows' order by their keys ({@code stride} longs a row), stably, by a merge sort of their indexes. */
  static int[] mergeOrder(long[] keys, int stride, int count) {
    int[] order = new int[count];
    Arrays.setAll(order, i -> i);
    IndexSort.sort(order, (a, b) -> {
      int left = a * stride;
      int right = b * stride;
      for (int word = 0; word < stride; word++) {
        int result = Long.compare(keys[left + word], keys[right + word]);
        if (result != 0) {
          return result;
        }
      }
      return 0;
    });
    return order;
  }

  /**
   * Each row's sort key: {@link #stride} longs at {@code row * stride}, made in one pass over the
   * rows (each row's record is read once; a buffer of rows is larger than the processor's caches).
   * A string field's word first holds the index of the row's value among the distinct values met,
   * and becomes its rank once every distinct value is known.
   */
  private long[] keys(FlatRow[] rows) {
    long[] keys = new long[rows.length * stride];
    Distinct[] distinct = new Distinct[positions.length];
    for (int field = 0; field < positions.length; field++) {
      distinct[field] = strings[field] ? new Distinct(rows, positions[field]) : null;
    }
    for (int row = 0; row < rows.length; row++) {
      FlatRow flat = rows[row];
      long nulls = flat.nulls();
      int word = row * stride;
      for (int field = 0; field < positions.length; field++) {
        int position = positions[field];
        boolean isNull = (nulls & (1L << position)) != 0;
        if (optional[field]) {
          // The null order holds whatever the direction, as in Iceberg's comparator.
          keys[word++] = isNull ? (nullsFirst[field] ? 0 : 2) : 1;
        }
        if (distinct[field] != null) {
          keys[word] = isNull ? -1 : distinct[field].index(row); // -1: no value, to become 0 below
        } else if (!isNull) {
          long value = flat.longValue(position);
          keys[word] = descending[field] ? ~value : value;
        }
        // A null's word is 0: the null flag above has already ordered it.
        word++;
      }
    }
    int word = 0;
    for (int field = 0; field < positions.length; field++) {
      word += optional[field] ? 1 : 0;
      if (distinct[field] != null) {
        int[] ranks = distinct[field].ranks();
        for (int at = word; at < keys.length; at += stride) {
          long index = keys[at];
          keys[at] = index < 0 ? 0 : descending[field] ? ~(long) ranks[(int) index] : ranks[(int) index];
        }
      }
      word++;
    }
    return keys;
  }

  /**
   * The distinct values of a string column among the rows, as they are met, in a hash table of
   * value indexes; then their ranks in unsigned byte order (Unicode code point order, as the
   * comparator): equal values get equal ranks.
   */
  private static final class Distinct {
    private final FlatRow[] rows;
    private final int position;
    private final int[] firstRows; // value index -> a row holding it
    private final int[] table; // value index + 1, by hash; 0 is empty
    private final int mask;
    private int values;

    Distinct(FlatRow[] rows, int position) {
      this.rows = rows;
      this.position = position;
      this.firstRows = new int[rows.length];
      int capacity = Integer.highestOneBit(Math.max(2, rows.length * 2 - 1)) << 1;
      this.table = new int[capacity];
      this.mask = capacity - 1;
    }

    /** The index of this row's (non-null) value among the distinct values met so far, or a new one. */
    int index(int row) {
      FlatRow flat = rows[row];
      byte[] bytes = flat.bytes(position);
      int offset = flat.offset(position);
      int length = flat.length(position);
      int slot = hash(bytes, offset, length) & mask;
      while (true) {
        int entry = table[slot];
        if (entry == 0) {
          firstRows[values] = row;
          table[slot] = ++values;
          return values - 1;
        }
        FlatRow other = rows[firstRows[entry - 1]];
        int otherOffset = other.offset(position);
        if (Arrays.equals(bytes, offset, offset + length, other.bytes(position), otherOffset, otherOffset + other.length(position))) {
          return entry - 1;
        }
        slot = (slot + 1) & mask;
      }
    }

    /** The rank of each value index. */
    int[] ranks() {
      int[] byValue = new int[values];
      Arrays.setAll(byValue, i -> i);
      IndexSort.sort(byValue, (a, b) -> {
        FlatRow left = rows[firstRows[a]];
        FlatRow right = rows[firstRows[b]];
        int leftOffset = left.offset(position);
        int rightOffset = right.offset(position);
        return Arrays.compareUnsigned(
            left.bytes(position), leftOffset, leftOffset + left.length(position),
            right.bytes(position), rightOffset, rightOffset + right.length(position));
      });
      int[] rankOfValue = new int[values];
      for (int rank = 0; rank < values; rank++) {
        rankOfValue[byValue[rank]] = rank;
      }
      return rankOfValue;
    }
  }

  private static int hash(byte[] bytes, int offset, int length) {
    long hash = 0x9E3779B97F4A7C15L ^ length;
    int i = offset;
    int end = offset + length;
    for (; i + 8 <= end; i += 8) {
      hash = Long.rotateLeft(hash ^ FlatRow.readLong(bytes, i) * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B185EBCA87L;
    }
    for (; i < end; i++) {
      hash = (hash ^ bytes[i]) * 0x100000001B3L;
    }
    hash ^= hash >>> 29;
    hash *= 0xBF58476D1CE4E5B9L;
    return (int) (hash ^ (hash >>> 32));
  }
}
