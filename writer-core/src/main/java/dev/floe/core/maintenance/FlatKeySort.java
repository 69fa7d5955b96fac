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
    int[] order = new int[count];
    Arrays.setAll(order, i -> i);
    int width = stride;
    IndexSort.sort(order, (a, b) -> {
      int left = a * width;
      int right = b * width;
      for (int word = 0; word < width; word++) {
        int result = Long.compare(keys[left + word], keys[right + word]);
        if (result != 0) {
          return result;
        }
      }
      return 0;
    });
    for (int i = 0; i < count; i++) {
      rows.set(i, array[order[i]]);
    }
  }

  /** Each row's sort key: {@link #stride} longs at {@code row * stride}. */
  private long[] keys(FlatRow[] rows) {
    long[] keys = new long[rows.length * stride];
    int word = 0;
    for (int field = 0; field < positions.length; field++) {
      int position = positions[field];
      if (optional[field]) {
        // The null order holds whatever the direction, as in Iceberg's comparator.
        long nullKey = nullsFirst[field] ? 0 : 2;
        for (int row = 0; row < rows.length; row++) {
          keys[row * stride + word] = rows[row].isNull(position) ? nullKey : 1;
        }
        word++;
      }
      int[] ranks = strings[field] ? ranks(rows, position) : null;
      for (int row = 0; row < rows.length; row++) {
        FlatRow flat = rows[row];
        if (flat.isNull(position)) {
          continue; // 0; the null flag above has already ordered it
        }
        long value = ranks != null ? ranks[row] : flat.longValue(position);
        keys[row * stride + word] = descending[field] ? ~value : value;
      }
      word++;
    }
    return keys;
  }

  /**
   * Each row's rank among the distinct non-null values of a string column in unsigned byte order
   * (Unicode code point order, as the comparator): equal values get equal ranks.
   */
  private static int[] ranks(FlatRow[] rows, int position) {
    int[] distinct = new int[rows.length]; // row -> index of its value among the distinct ones
    int[] firstRows = new int[rows.length]; // distinct value -> a row holding it
    int capacity = Integer.highestOneBit(Math.max(2, rows.length * 2 - 1)) << 1;
    int[] table = new int[capacity]; // distinct value + 1, by hash; 0 is empty
    int mask = capacity - 1;
    int values = 0;
    for (int row = 0; row < rows.length; row++) {
      FlatRow flat = rows[row];
      if (flat.isNull(position)) {
        continue;
      }
      byte[] bytes = flat.bytes(position);
      int offset = flat.offset(position);
      int length = flat.length(position);
      int slot = hash(bytes, offset, length) & mask;
      while (true) {
        int entry = table[slot];
        if (entry == 0) {
          firstRows[values] = row;
          table[slot] = ++values;
          distinct[row] = values - 1;
          break;
        }
        FlatRow other = rows[firstRows[entry - 1]];
        int otherOffset = other.offset(position);
        if (Arrays.equals(bytes, offset, offset + length, other.bytes(position), otherOffset, otherOffset + other.length(position))) {
          distinct[row] = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
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
    int[] ranks = new int[rows.length];
    for (int row = 0; row < rows.length; row++) {
      if (!rows[row].isNull(position)) {
        ranks[row] = rankOfValue[distinct[row]];
      }
    }
    return ranks;
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
