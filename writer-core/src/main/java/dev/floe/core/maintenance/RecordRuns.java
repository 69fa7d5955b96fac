package dev.floe.core.maintenance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.apache.iceberg.Files;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;

/**
 * Sorted runs of generic records, as local Parquet files through Iceberg's generic writer and
 * reader, which keep every value of any schema as it is. For tables {@link FlatLayout} does not
 * cover.
 */
final class RecordRuns implements ExternalSorter.RunFormat<Record> {
  /** Spilled runs are read back one row group per open run at a time: keep them small. */
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "write.parquet.row-group-size-bytes", Long.toString(1024 * 1024),
          "write.parquet.compression-codec", "zstd",
          "write.parquet.compression-level", "1");

  private final Schema schema;

  RecordRuns(Schema schema) {
    this.schema = schema;
  }

  @Override
  public void write(Iterator<Record> rows, Path file) throws IOException {
    try (FileAppender<Record> appender =
        Parquet.write(Files.localOutput(file.toFile()))
            .schema(schema)
            .createWriterFunc(GenericParquetWriter::create)
            .setAll(PROPERTIES)
            .build()) {
      rows.forEachRemaining(appender::add);
    }
  }

  @Override
  public CloseableIterator<Record> read(Path file) {
    CloseableIterable<Record> records =
        Parquet.read(Files.localInput(file.toFile()))
            .project(schema)
            .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
            .build();
    CloseableIterator<Record> iterator = records.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return iterator.hasNext();
      }

      @Override
      public Record next() {
        return iterator.next();
      }

      @Override
      public void close() throws IOException {
        try (records) {
          iterator.close();
        }
      }
    };
  }

  @Override
  public long hash(Record row) {
    return RowDigest.hash(row);
  }
}
