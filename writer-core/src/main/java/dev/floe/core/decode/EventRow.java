package dev.floe.core.decode;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * One decoded event, reused for every event of a source: the fast path's alternative to a new
 * {@link GenericRecord} per event. Column values are kept as the writer needs them, without a
 * Java object per field: strings and JSON text as UTF-8 byte ranges (usually into the decoder's
 * line buffer), ints, longs, booleans, dates (days) and timestamps (epoch micros) as longs.
 *
 * <p>It is also a read-only {@link Record}: {@link #get(int)} gives the same generic value the
 * record path gives (String, Long, OffsetDateTime, ...), made on first use, so a filter reads only
 * the columns it names. A row is valid only during the callback that receives it; {@link #copy()}
 * keeps one.
 */
public final class EventRow implements Record, dev.floe.core.write.DirectRow {
  private final Types.StructType struct;
  private final ColumnKind[] kinds;
  private final Map<String, Integer> positions;
  private final boolean[] present;
  private final byte[][] bytes;
  private final int[] offsets;
  private final int[] lengths;
  private final long[] longs;
  private final double[] doubles;
  private final Object[] values;
  private final boolean[] materialized;
  private final InternalView internal = new InternalView();

  /** Unescaped string bytes of the current event, appended at {@link #scratchLength}. */
  private byte[] scratch = new byte[4096];

  private int scratchLength;

  EventRow(Schema schema, Columns columns) {
    this.struct = schema.asStruct();
    int size = columns.size();
    this.kinds = new ColumnKind[size];
    this.positions = new java.util.HashMap<>();
    for (Column column : columns.all()) {
      kinds[column.position()] = column.kind();
      positions.put(column.name(), column.position());
    }
    this.present = new boolean[size];
    this.bytes = new byte[size][];
    this.offsets = new int[size];
    this.lengths = new int[size];
    this.longs = new long[size];
    this.doubles = new double[size];
    this.values = new Object[size];
    this.materialized = new boolean[size];
  }

  /** Starts a new event: every column null. */
  void clear() {
    Arrays.fill(present, false);
    Arrays.fill(materialized, false);
    Arrays.fill(bytes, null);
    scratchLength = 0;
  }

  void setBytes(int position, byte[] source, int offset, int length) {
    present[position] = true;
    bytes[position] = source;
    offsets[position] = offset;
    lengths[position] = length;
  }

  ColumnKind kind(int position) {
    return kinds[position];
  }

  void setLong(int position, long value) {
    present[position] = true;
    longs[position] = value;
  }

  /** A value kept as its generic Java object (decimals, binary, structs, lists). */
  void setObject(int position, Object value) {
    present[position] = true;
    values[position] = value;
    materialized[position] = true;
  }

  void setDouble(int position, double value) {
    present[position] = true;
    doubles[position] = value;
  }

  /** Room for {@code length} more scratch bytes; returns the array to write them into. */
  byte[] reserveScratch(int length) {
    if (scratchLength + length > scratch.length) {
      // Earlier columns keep pointing into the old array, which stays valid.
      scratch = new byte[Math.max(scratch.length * 2, scratchLength + length)];
      scratchLength = 0;
    }
    return scratch;
  }

  int scratchLength() {
    return scratchLength;
  }

  void commitScratch(int length) {
    scratchLength += length;
  }

  /** Fills the row from the generic values of the record path (the fallback decoder). */
  void fill(Object[] generic) {
    clear();
    for (int position = 0; position < generic.length; position++) {
      Object value = generic[position];
      if (value == null) {
        continue;
      }
      values[position] = value;
      materialized[position] = true;
      switch (kinds[position]) {
        case STRING, JSON -> {
          byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
          setBytes(position, utf8, 0, utf8.length);
        }
        case INT -> setLong(position, (Integer) value);
        case LONG, UINT32 -> setLong(position, (Long) value);
        case UINT64, DECIMAL, BINARY, STRUCT, LIST -> present[position] = true;
        case FLOAT -> setDouble(position, (Float) value);
        case DOUBLE -> setDouble(position, (Double) value);
        case BOOLEAN -> setLong(position, ((Boolean) value) ? 1 : 0);
        case TIMESTAMPTZ ->
            setLong(position, DateTimeUtil.microsFromTimestamptz((OffsetDateTime) value));
        case TIMESTAMP -> setLong(position, DateTimeUtil.microsFromTimestamp((LocalDateTime) value));
        case DATE -> setLong(position, DateTimeUtil.daysFromDate((LocalDate) value));
      }
    }
  }

  // Raw access for the writer.

  @Override
  public boolean isNull(int position) {
    return !present[position];
  }

  /** The UTF-8 bytes of a string or JSON column hold {@code [offset, offset + length)}. */
  @Override
  public byte[] bytes(int position) {
    return bytes[position];
  }

  @Override
  public int offset(int position) {
    return offsets[position];
  }

  @Override
  public int length(int position) {
    return lengths[position];
  }

  @Override
  public long longValue(int position) {
    return longs[position];
  }

  /** Float and double columns. */
  public double doubleValue(int position) {
    return doubles[position];
  }

  /**
   * The row in Iceberg's internal representation (timestamps as Long micros, dates as Integer
   * days), as partition transforms expect it.
   */
  public StructLike internal() {
    return internal;
  }

  // Record

  @Override
  public Types.StructType struct() {
    return struct;
  }

  @Override
  public int size() {
    return kinds.length;
  }

  @Override
  public Object get(int position) {
    if (!present[position]) {
      return null;
    }
    if (!materialized[position]) {
      values[position] = materialize(position);
      materialized[position] = true;
    }
    return values[position];
  }

  @Override
  public <T> T get(int position, Class<T> javaClass) {
    return javaClass.cast(get(position));
  }

  @Override
  public Object getField(String name) {
    Integer position = positions.get(name);
    return position == null ? null : get(position);
  }

  @Override
  public void setField(String name, Object value) {
    throw new UnsupportedOperationException("Cannot modify an EventRow; copy() it first");
  }

  @Override
  public <T> void set(int position, T value) {
    throw new UnsupportedOperationException("Cannot modify an EventRow; copy() it first");
  }

  /** A generic record holding this row's values, which stays valid after the callback. */
  @Override
  public Record copy() {
    GenericRecord record = GenericRecord.create(struct);
    for (int position = 0; position < kinds.length; position++) {
      record.set(position, get(position));
    }
    return record;
  }

  @Override
  public Record copy(Map<String, Object> overwriteValues) {
    Record record = copy();
    overwriteValues.forEach(record::setField);
    return record;
  }

  private Object materialize(int position) {
    long value = longs[position];
    return switch (kinds[position]) {
      case STRING, JSON ->
          new String(bytes[position], offsets[position], lengths[position], StandardCharsets.UTF_8);
      case INT -> (int) value;
      case LONG, UINT32 -> value;
      // Kept as objects from the start (setObject, fill): never materialized from bytes.
      case UINT64, DECIMAL, BINARY, STRUCT, LIST ->
          throw new IllegalStateException("Cannot materialize a " + kinds[position] + " column");
      case FLOAT -> (float) doubles[position];
      case DOUBLE -> doubles[position];
      case BOOLEAN -> value != 0;
      case TIMESTAMPTZ -> DateTimeUtil.timestamptzFromMicros(value);
      case TIMESTAMP -> DateTimeUtil.timestampFromMicros(value);
      case DATE -> DateTimeUtil.dateFromDays((int) value);
    };
  }

  @Override
  public String toString() {
    return "EventRow" + copy();
  }

  /** Values as Iceberg's internal representation, for partition transforms. */
  private final class InternalView implements StructLike {
    @Override
    public int size() {
      return kinds.length;
    }

    @Override
    public <T> T get(int position, Class<T> javaClass) {
      if (!present[position]) {
        return null;
      }
      Object value =
          switch (kinds[position]) {
            case TIMESTAMPTZ, TIMESTAMP, LONG, UINT32 -> longs[position];
            case DATE, INT -> (int) longs[position];
            default -> EventRow.this.get(position);
          };
      return javaClass.cast(value);
    }

    @Override
    public <T> void set(int position, T value) {
      throw new UnsupportedOperationException("Cannot modify an EventRow");
    }
  }
}
