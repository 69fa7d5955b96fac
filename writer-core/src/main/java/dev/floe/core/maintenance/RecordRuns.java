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

  /**
   * A generous estimate of the heap a generic value holds, for the sort buffer's byte limit:
   * strings at two bytes a character, every object with its header and the reference to it.
   */
  static long heapBytes(Object value) {
    if (value == null) {
      return 8;
    }
    if (value instanceof CharSequence text) {
      return 64 + 2L * text.length();
    }
    if (value instanceof java.nio.ByteBuffer buffer) {
      return 64 + buffer.remaining();
    }
    if (value instanceof byte[] bytes) {
      return 24 + bytes.length;
    }
    if (value instanceof org.apache.iceberg.StructLike struct) {
      long bytes = 32 + 8L * struct.size();
      for (int i = 0; i < struct.size(); i++) {
        bytes += heapBytes(struct.get(i, Object.class));
      }
      return bytes;
    }
    if (value instanceof java.util.Collection<?> values) {
      long bytes = 64;
      for (Object element : values) {
        bytes += 8 + heapBytes(element);
      }
      return bytes;
    }
    if (value instanceof Map<?, ?> map) {
      long bytes = 64;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        bytes += 48 + heapBytes(entry.getKey()) + heapBytes(entry.getValue());
      }
      return bytes;
    }
    return 32; // a boxed number, a date or time, a UUID, a BigDecimal
  }
}
