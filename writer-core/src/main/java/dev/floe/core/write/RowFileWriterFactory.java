package dev.floe.core.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * Parquet data writers for records and {@link DirectRow}s, configured as Iceberg's generic writer
 * factory configures them (table properties, then floe's write properties, the table's metrics
 * config, the sort order the rows are written in), with {@link RowParquetWriter} as value writer.
 * floe writes data files only.
 */
public final class RowFileWriterFactory implements FileWriterFactory<Record> {
  private final Table table;
  private final Map<String, String> writerProperties;
  private final SortOrder sortOrder;

  /**
   * @param sortOrder the order the rows come in, recorded on every file; {@link
   *     SortOrder#unsorted()} unless the caller sorts them
   */
  public RowFileWriterFactory(Table table, Map<String, String> writerProperties, SortOrder sortOrder) {
    this.table = table;
    this.writerProperties = Map.copyOf(writerProperties);
    this.sortOrder = sortOrder;
  }

  @Override
  public DataWriter<Record> newDataWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    try {
      return Parquet.writeData(file)
          .schema(table.schema())
          .setAll(table.properties())
          .setAll(writerProperties)
          .metricsConfig(MetricsConfig.forTable(table))
          .withSpec(spec)
          .withPartition(partition)
          .withKeyMetadata(file.keyMetadata())
          .withSortOrder(sortOrder)
          .createWriterFunc(RowParquetWriter::new)
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create data file " + file.encryptingOutputFile().location(), e);
    }
  }

  @Override
  public EqualityDeleteWriter<Record> newEqualityDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    throw new UnsupportedOperationException("floe writes no delete files");
  }

  @Override
  public PositionDeleteWriter<Record> newPositionDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    throw new UnsupportedOperationException("floe writes no delete files");
  }
}
