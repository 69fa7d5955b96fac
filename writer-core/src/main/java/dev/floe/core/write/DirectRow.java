package dev.floe.core.write;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A row whose values the Parquet writer can take as they are, with no Java object per value:
 * strings as UTF-8 byte ranges, ints, longs, booleans (1/0), dates (epoch days) and timestamps
 * (epoch micros) as longs. Implemented by the decoder's {@link dev.floe.core.decode.EventRow} and
 * by the rows compaction reads back from Parquet; {@link RowParquetWriter} writes any record that
 * is one directly when the schema is flat.
 */
public interface DirectRow {
  /** Whether rows of this schema can be direct: top-level columns of the types above only. */
  static boolean supports(Schema schema) {
    for (Types.NestedField field : schema.columns()) {
      if (!supports(field.type().typeId())) {
        return false;
      }
    }
    return true;
  }

  /** Floats and doubles are not: Iceberg keeps NaN counts for them, which only its writer collects. */
  static boolean supports(Type.TypeID type) {
    return switch (type) {
      case STRING, INTEGER, LONG, BOOLEAN, DATE, TIMESTAMP -> true;
      default -> false;
    };
  }

  boolean isNull(int position);

  /** The UTF-8 bytes of a string column hold {@code [offset, offset + length)} of this array. */
  byte[] bytes(int position);

  int offset(int position);

  int length(int position);

  /** Int, long, boolean (1/0), date (epoch days) and timestamp (epoch micros) columns. */
  long longValue(int position);
}
