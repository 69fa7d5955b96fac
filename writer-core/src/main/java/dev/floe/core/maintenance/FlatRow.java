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
 * One row of a {@link FlatLayout}, kept compact for sorting: the whole row is one record in a byte
 * array from {@code base}: its null flags (one long, a bit per column), then where each column's
 * value ends (an int a column, counted from the first value), then every value (strings as UTF-8,
 * other values as 8 little-endian bytes). The array may be the row's own or a slab of a {@link
 * RowArena} shared with other rows; the object itself holds only the layout, the array and the
 * offset, so a sort buffer of rows is mostly those records, not objects for the collector to copy.
 * The Parquet writer takes it as a {@link DirectRow}; as a {@link Record} it is read-only and gives
 * the generic values (String, Long, OffsetDateTime, ...).
 */
final class FlatRow implements DirectRow, Record {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long PRIME_1 = 0x9E3779B185EBCA87L;
  private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;

  private final FlatLayout layout;
  private final byte[] data;
  private final int base;

  /** The row whose record starts at {@code base} of {@code data}. */
  FlatRow(FlatLayout layout, byte[] data, int base) {
    this.layout = layout;
    this.data = data;
    this.base = base;
  }

  /** Writes a record's null flags and column ends at {@code offset}: its first {@link FlatLayout#headerBytes()} bytes. */
  static void writeHeader(byte[] record, int offset, int[] ends, long nulls) {
    writeLong(record, offset, nulls);
    for (int i = 0; i < ends.length; i++) {
      INTS.set(record, offset + 8 + 4 * i, ends[i]);
    }
  }

  /** The array holding the row's record, from {@link #base()}. */
  byte[] data() {
    return data;
  }

  int base() {
    return base;
  }

  /** How many bytes the row's record takes: its null flags, column ends and values. */
  int recordLength() {
    return layout.headerBytes() + valuesLength();
  }

  /** How many bytes the row's values take. */
  int valuesLength() {
    return layout.size() == 0 ? 0 : end(layout.size() - 1);
  }

  /** Where column {@code position}'s value ends, counted from the first value. */
  int end(int position) {
    return (int) INTS.get(data, base + 8 + 4 * position);
  }

  long nulls() {
    return readLong(data, base);
  }

  static long readLong(byte[] bytes, int offset) {
    return (long) LONGS.get(bytes, offset);
  }

  static void writeLong(byte[] bytes, int offset, long value) {
    LONGS.set(bytes, offset, value);
  }

  /**
   * A 64-bit hash of the row's record, 32 bytes at a time in four independent lanes (so that the
   * multiplications overlap rather than wait on each other): equal rows hash equal, and a changed
   * byte, a moved column boundary or a null flag changes it, as each is a byte of the record. For
   * {@link RowDigest}.
   */
  long hash() {
    long a = PRIME_1;
    long b = PRIME_2;
    long c = ~PRIME_1;
    long d = ~PRIME_2;
    int end = base + recordLength();
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
    return hash ^ (end - base);
  }

  // DirectRow

  @Override
  public boolean isNull(int position) {
    return (nulls() & (1L << position)) != 0;
  }

  @Override
  public byte[] bytes(int position) {
    return data;
  }

  @Override
  public int offset(int position) {
    return base + layout.headerBytes() + start(position);
  }

  @Override
  public int length(int position) {
    return end(position) - start(position);
  }

  /** Where column {@code position}'s value starts, counted from the first value. */
  private int start(int position) {
    return position == 0 ? 0 : end(position - 1);
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
