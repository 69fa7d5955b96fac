package dev.floe.core.write;

import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes records into Parquet column writers. A {@link DirectRow} (the decoder's event, or a row
 * compaction read back) goes straight from its bytes and longs into the column writers, with no
 * String or timestamp object per value; any other record goes through Iceberg's generic Parquet
 * writer, as before. Both give the same Parquet values.
 *
 * <p>The direct path covers flat schemas of string, int, long, boolean, date and timestamp
 * columns (floe's decodable types, floats and doubles aside: Iceberg keeps extra NaN metrics for
 * those, so rows with such columns take the generic way).
 */
final class RowParquetWriter implements ParquetValueWriter<Record> {
  private final ParquetValueWriter<Record> generic;
  private final Type.TypeID[] types;
  private final ColumnDescriptor[] descriptors;
  private final ColumnWriter[] writers;
  private final boolean direct;

  RowParquetWriter(Schema schema, MessageType fileSchema) {
    this.generic = GenericParquetWriter.create(schema, fileSchema);
    List<Types.NestedField> fields = schema.columns();
    List<ColumnDescriptor> columns = fileSchema.getColumns();
    this.types = new Type.TypeID[fields.size()];
    this.descriptors = new ColumnDescriptor[fields.size()];
    this.writers = new ColumnWriter[fields.size()];
    boolean flat = columns.size() == fields.size();
    for (int i = 0; i < fields.size() && flat; i++) {
      types[i] = fields.get(i).type().typeId();
      descriptors[i] = columns.get(i);
      flat = descriptors[i].getPath().length == 1
          && descriptors[i].getPath()[0].equals(fields.get(i).name())
          && DirectRow.supports(types[i]);
    }
    this.direct = flat;
  }

  @Override
  public void write(int repetitionLevel, Record value) {
    if (direct && value instanceof DirectRow row) {
      writeRow(row);
    } else {
      generic.write(repetitionLevel, value);
    }
  }

  private void writeRow(DirectRow row) {
    for (int i = 0; i < writers.length; i++) {
      ColumnWriter writer = writers[i];
      int maxDefinition = descriptors[i].getMaxDefinitionLevel();
      if (row.isNull(i)) {
        if (maxDefinition == 0) {
          throw new IllegalArgumentException(
              "Cannot write a null into required column " + descriptors[i].getPath()[0]);
        }
        writer.writeNull(0, maxDefinition - 1);
        continue;
      }
      switch (types[i]) {
        case STRING ->
            writer.write(
                Binary.fromReusedByteArray(row.bytes(i), row.offset(i), row.length(i)),
                0,
                maxDefinition);
        case INTEGER, DATE -> writer.write((int) row.longValue(i), 0, maxDefinition);
        case LONG, TIMESTAMP -> writer.write(row.longValue(i), 0, maxDefinition);
        case BOOLEAN -> writer.write(row.longValue(i) != 0, 0, maxDefinition);
        default -> throw new IllegalStateException("Cannot write " + types[i] + " directly");
      }
    }
  }

  @Override
  public List<TripleWriter<?>> columns() {
    return generic.columns();
  }

  @Override
  public void setColumnStore(ColumnWriteStore columnStore) {
    generic.setColumnStore(columnStore);
    if (direct) {
      for (int i = 0; i < writers.length; i++) {
        writers[i] = columnStore.getColumnWriter(descriptors[i]);
      }
    }
  }

  @Override
  public Stream<FieldMetrics<?>> metrics() {
    return generic.metrics();
  }
}
