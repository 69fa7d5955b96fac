package dev.floe.core.maintenance;

import dev.floe.core.write.DirectRow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * One row of a {@link FlatLayout}, kept compact for sorting: every value in one run of a byte
 * array from {@code base} (strings as UTF-8, other values as 8 little-endian bytes), where column
 * {@code i} ends at {@code base + ends[i]}, and a bit per null column. The array may be the row's
 * own or a slab of a {@link RowArena} shared with other rows. The Parquet writer takes it as a {@link DirectRow}; as a
 * {@link Record} it is read-only and gives the generic values (String, Long, OffsetDateTime, ...).
 */
final class FlatRow implements DirectRow, Record {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long PRIME_1 = 0x9E3779B185EBCA87L;
  private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;

  private final FlatLayout layout;
  private final byte[] data;
  private final int base;
  private final int[] ends;
  private final long nulls;

  FlatRow(FlatLayout layout, byte[] data, int[] ends, long nulls) {
    this(layout, data, 0, ends, nulls);
  }

  FlatRow(FlatLayout layout, byte[] data, int base, int[] ends, long nulls) {
    this.layout = layout;
    this.data = data;
    this.base = base;
    this.ends = ends;
    this.nulls = nulls;
  }

  /** The array holding the row's values, from {@link #base()}. */
  byte[] data() {
    return data;
  }

  int base() {
    return base;
  }

  /** How many bytes the row's values take. */
  int valuesLength() {
    return ends.length == 0 ? 0 : ends[ends.length - 1];
  }

  int end(int position) {
    return ends[position];
  }

  long nulls() {
    return nulls;
  }

  static long readLong(byte[] bytes, int offset) {
    return (long) LONGS.get(bytes, offset);
  }

  static void writeLong(byte[] bytes, int offset, long value) {
    LONGS.set(bytes, offset, value);
  }

  /**
   * A 64-bit hash of the row's values and nulls, 32 bytes at a time in four independent lanes (so
   * that the multiplications overlap rather than wait on each other): equal rows hash equal, and a
   * changed byte, a moved column boundary or a null flag changes it. For {@link RowDigest}.
   */
  long hash() {
    long a = PRIME_1 ^ nulls;
    long b = PRIME_2;
    long c = ~PRIME_1;
    long d = ~PRIME_2;
    int end = base + valuesLength();
    int i = base;
    for (; i + 32 <= end; i += 32) {
      a = Long.rotateLeft(a ^ readLong(data, i) * PRIME_2, 31) * PRIME_1;
      b = Long.rotateLeft(b ^ readLong(data, i + 8) * PRIME_2, 31) * PRIME_1;
      c = Long.rotateLeft(c ^ readLong(data, i + 16) * PRIME_2, 31) * PRIME_1;
      d = Long.rotateLeft(d ^ readLong(data, i + 24) * PRIME_2, 31) * PRIME_1;
    }
    long hash = Long.rotateLeft(a, 1) + Long.rotateLeft(b, 7) + Long.rotateLeft(c, 12) + Long.rotateLeft(d, 18);
    for (; i + 8 <= end; i += 8) {
      hash = Long.rotateLeft(hash ^ readLong(data, i) * PRIME_2, 31) * PRIME_1;
    }
    for (; i < end; i++) {
      hash = Long.rotateLeft(hash ^ (data[i] & 0xFFL) * PRIME_1, 11) * PRIME_2;
    }
    for (int columnEnd : ends) {
      hash = Long.rotateLeft(hash ^ columnEnd * PRIME_2, 27) * PRIME_1;
    }
    return hash;
  }

  // DirectRow

  @Override
  public boolean isNull(int position) {
    return (nulls & (1L << position)) != 0;
  }

  @Override
  public byte[] bytes(int position) {
    return data;
  }

  @Override
  public int offset(int position) {
    return base + start(position);
  }

  @Override
  public int length(int position) {
    return ends[position] - start(position);
  }

  /** Where column {@code position} starts, from {@link #base}. */
  private int start(int position) {
    return position == 0 ? 0 : ends[position - 1];
  }

  @Override
  public long longValue(int position) {
    return readLong(data, offset(position));
  }

  // Record, read-only

  @Override
  public Types.StructType struct() {
    return layout.struct();
  }

  @Override
  public int size() {
    return layout.size();
  }

  @Override
  public Object get(int position) {
    if (isNull(position)) {
      return null;
    }
    long value = layout.isString(position) ? 0 : longValue(position);
    return switch (layout.type(position)) {
      case STRING -> new String(data, offset(position), length(position), StandardCharsets.UTF_8);
      case INTEGER -> (int) value;
      case LONG -> value;
      case BOOLEAN -> value != 0;
      case DATE -> DateTimeUtil.dateFromDays((int) value);
      case TIMESTAMP ->
          ((Types.TimestampType) layout.struct().fields().get(position).type()).shouldAdjustToUTC()
              ? DateTimeUtil.timestamptzFromMicros(value)
              : DateTimeUtil.timestampFromMicros(value);
      default -> throw new IllegalStateException("Cannot read a " + layout.type(position) + " from a flat row");
    };
  }

  @Override
  public <T> T get(int position, Class<T> javaClass) {
    return javaClass.cast(get(position));
  }

  @Override
  public Object getField(String name) {
    Types.NestedField field = layout.struct().field(name);
    return field == null ? null : get(layout.struct().fields().indexOf(field));
  }

  @Override
  public void setField(String name, Object value) {
    throw new UnsupportedOperationException("A compaction row is read-only");
  }

  @Override
  public <T> void set(int position, T value) {
    throw new UnsupportedOperationException("A compaction row is read-only");
  }

  @Override
  public Record copy() {
    return this; // immutable
  }

  @Override
  public Record copy(Map<String, Object> overwriteValues) {
    throw new UnsupportedOperationException("A compaction row is read-only");
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("FlatRow(");
    for (int i = 0; i < size(); i++) {
      text.append(i == 0 ? "" : ", ").append(get(i));
    }
    return text.append(')').toString();
  }
}
