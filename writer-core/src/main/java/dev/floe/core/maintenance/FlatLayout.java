package dev.floe.core.maintenance;

import dev.floe.core.write.DirectRow;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The columns of a flat schema whose values a {@link FlatRow} holds as bytes: strings as UTF-8,
 * every other type (int, long, boolean, date, timestamp) as an 8-byte long. Compaction takes this
 * path when the table's schema has only such columns and its sort order only identity fields, and
 * Iceberg's generic records otherwise.
 */
final class FlatLayout {
  /** A row's null flags are one long. */
  static final int MAX_COLUMNS = 64;

  private final Types.StructType struct;
  private final Type.TypeID[] types;
  private final boolean[] strings;
  private final int[] fieldIds;

  private FlatLayout(Schema schema) {
    List<Types.NestedField> columns = schema.columns();
    this.struct = schema.asStruct();
    this.types = new Type.TypeID[columns.size()];
    this.strings = new boolean[columns.size()];
    this.fieldIds = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      types[i] = columns.get(i).type().typeId();
      strings[i] = types[i] == Type.TypeID.STRING;
      fieldIds[i] = columns.get(i).fieldId();
    }
  }

  /** The layout for rows of this schema in this order, or null when compaction must use generic records. */
  static FlatLayout of(Schema schema, SortOrder order) {
    if (schema.columns().isEmpty() || schema.columns().size() > MAX_COLUMNS || !DirectRow.supports(schema)) {
      return null;
    }
    FlatLayout layout = new FlatLayout(schema);
    for (SortField field : order.fields()) {
      if (!field.transform().isIdentity() || layout.position(field.sourceId()) < 0) {
        return null;
      }
    }
    return layout;
  }

  int size() {
    return types.length;
  }

  /** The bytes before a {@link FlatRow}'s values: its null flags and an end a column. */
  int headerBytes() {
    return 8 + 4 * types.length;
  }

  Types.StructType struct() {
    return struct;
  }

  Type.TypeID type(int position) {
    return types[position];
  }

  boolean isString(int position) {
    return strings[position];
  }

  int fieldId(int position) {
    return fieldIds[position];
  }

  /** The position of the column with this field id, or -1. */
  int position(int fieldId) {
    for (int i = 0; i < fieldIds.length; i++) {
      if (fieldIds[i] == fieldId) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The sort order over rows: strings by unsigned UTF-8 bytes, which is Unicode code point order as
   * Iceberg's comparator and Parquet's statistics have it; other values as signed longs
   * (booleans as 0 and 1).
   */
  Comparator<FlatRow> comparator(Schema schema, SortOrder order) {
    List<SortField> fields = order.fields();
    int[] positions = new int[fields.size()];
    boolean[] descending = new boolean[fields.size()];
    boolean[] nullsFirst = new boolean[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      positions[i] = position(fields.get(i).sourceId());
      descending[i] = fields.get(i).direction() == SortDirection.DESC;
      nullsFirst[i] = fields.get(i).nullOrder() == NullOrder.NULLS_FIRST;
    }
    return (a, b) -> {
      for (int i = 0; i < positions.length; i++) {
        int position = positions[i];
        boolean aNull = a.isNull(position);
        boolean bNull = b.isNull(position);
        int result;
        if (aNull || bNull) {
          if (aNull && bNull) {
            continue;
          }
          // The null order holds whatever the direction, as in Iceberg's comparator.
          return aNull == nullsFirst[i] ? -1 : 1;
        }
        if (strings[position]) {
          result =
              Arrays.compareUnsigned(
                  a.bytes(position), a.offset(position), a.offset(position) + a.length(position),
                  b.bytes(position), b.offset(position), b.offset(position) + b.length(position));
        } else {
          result = Long.compare(a.longValue(position), b.longValue(position));
        }
        if (result != 0) {
          return descending[i] ? -result : result;
        }
      }
      return 0;
    };
  }
}
