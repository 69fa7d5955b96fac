package dev.floe.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.types.Types;

/**
 * The standard way, for comparison: each line read as a String, parsed into a Jackson tree,
 * turned into a {@link GenericRecord} (String and OffsetDateTime values) and written with
 * Iceberg's generic Parquet writer, with the same write properties as floe (ZSTD level, row group,
 * bloom filter). Files are written into {@code table}'s location; nothing is committed, and no
 * validation beyond what the conversion needs.
 */
public final class NaiveBaseline {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private NaiveBaseline() {}

  /** Writes every line of {@code input}; returns the data files. */
  public static List<DataFile> write(Table table, Map<String, String> writeProperties, long targetFileSize, InputStream input) {
    Encoder encoder = new Encoder(table, writeProperties, targetFileSize);
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.isBlank()) {
          encoder.write(toRecord(table, MAPPER.readTree(line)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run the naive baseline: " + e.getMessage(), e);
    }
    return encoder.complete();
  }

  /** Converts one parsed event into a generic record of the table's schema. */
  public static Record toRecord(Table table, JsonNode event) {
    GenericRecord record = GenericRecord.create(table.schema());
    List<Types.NestedField> columns = table.schema().columns();
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField column = columns.get(i);
      JsonNode value = event.get(column.name());
      if (value == null || value.isNull()) {
        continue;
      }
      record.set(i, switch (column.type().typeId()) {
        case STRING -> value.isTextual() ? value.textValue() : value.toString();
        case LONG -> value.longValue();
        case INTEGER -> value.intValue();
        case BOOLEAN -> value.booleanValue();
        case DOUBLE -> value.doubleValue();
        case FLOAT -> value.floatValue();
        case TIMESTAMP -> value.isNumber()
            ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(value.longValue()), ZoneOffset.UTC)
            : OffsetDateTime.parse(value.textValue()).withOffsetSameInstant(ZoneOffset.UTC);
        default -> throw new IllegalArgumentException("Cannot convert column " + column.name());
      });
    }
    return record;
  }

  /** Iceberg's generic Parquet writing, one rolling file per partition. */
  public static final class Encoder {
    private final Table table;
    private final long targetFileSize;
    private final GenericFileWriterFactory factory;
    private final OutputFileFactory files;
    private final PartitionKey key;
    private final InternalRecordWrapper wrapper;
    private final Map<StructLike, RollingDataWriter<Record>> writers = new HashMap<>();

    public Encoder(Table table, Map<String, String> writeProperties, long targetFileSize) {
      this.table = table;
      this.targetFileSize = targetFileSize;
      this.factory = new GenericFileWriterFactory.Builder(table)
          .dataFileFormat(FileFormat.PARQUET)
          .dataSchema(table.schema())
          .dataSortOrder(SortOrder.unsorted())
          .writerProperties(writeProperties)
          .build();
      this.files = OutputFileFactory.builderFor(table, 0, 0).operationId("naive").format(FileFormat.PARQUET).build();
      this.key = new PartitionKey(table.spec(), table.schema());
      this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
    }

    public void write(Record record) {
      key.partition(wrapper.wrap(record));
      RollingDataWriter<Record> writer = writers.get(key);
      if (writer == null) {
        StructLike partition = key.copy();
        writer = new RollingDataWriter<>(factory, files, table.io(), targetFileSize, table.spec(), partition);
        writers.put(partition, writer);
      }
      writer.write(record);
    }

    public List<DataFile> complete() {
      List<DataFile> result = new ArrayList<>();
      for (RollingDataWriter<Record> writer : writers.values()) {
        try {
          writer.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        result.addAll(writer.result().dataFiles());
      }
      writers.clear();
      return result;
    }
  }
}
