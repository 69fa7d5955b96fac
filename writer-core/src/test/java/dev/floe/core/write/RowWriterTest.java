package dev.floe.core.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.table.TableBootstrap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows from the decoder's fast path, and records through floe's writer factory, make the same
 * Parquet files, byte for byte, as records through Iceberg's generic writer factory.
 */
class RowWriterTest {
  @TempDir Path warehouse;
  private Table table;
  private byte[] input;

  @BeforeEach
  void setUp() {
    table = TableBootstrap.loadOrCreate(
        TestTables.catalog(warehouse), TestTables.EVENTS, IngestConfig.from(Settings.empty()).definition());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new EventGenerator(11, 300, EventGenerator.DEFAULT_START, Duration.ofDays(2), 0.05, 300).write(4000, out);
    String odd =
        "{\"do_id\":\"do-x\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":\"2026-11-01T10:00:00.5+02:00\",\"seq\":1,\"value\":{ \"a\": [1, 2] }}\n"
            + "{\"do_id\":\"do-y\",\"key\":\"\\u00e9\\ud83d\\ude00\",\"op\":\"DELETE\",\"timestamp\":1793534400000,\"seq\":2}\n"
            + "{\"do_id\":\"do-z\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1793534400000,\"seq\":3,\"value\":{\"a\":[1,{\"b\":null}]}}\n";
    out.writeBytes(odd.getBytes(StandardCharsets.UTF_8));
    input = out.toByteArray();
  }

  @Test
  void rowsAndRecordsWriteTheFilesOfIcebergsGenericWriter() throws IOException {
    EventDecoder decoder = new EventDecoder(table.schema(), DecodeLimits.defaults());
    List<Record> records = new ArrayList<>();
    decoder.decode("s", new ByteArrayInputStream(input), records::add, reject -> {
      throw new AssertionError(reject.toString());
    });

    PartitionedWriter rowWriter = new PartitionedWriter(table, "rows", WriteOptions.defaults());
    decoder.decodeRows("s", new ByteArrayInputStream(input), rowWriter::write, reject -> {});
    List<DataFile> fromRows = sorted(rowWriter.complete());

    PartitionedWriter recordWriter = new PartitionedWriter(table, "records", WriteOptions.defaults());
    records.forEach(recordWriter::write);
    List<DataFile> fromRecords = sorted(recordWriter.complete());

    List<DataFile> reference = sorted(icebergGeneric(records));

    assertThat(fromRows).hasSize(reference.size()).hasSizeGreaterThan(1);
    for (int i = 0; i < reference.size(); i++) {
      assertSameFile(fromRows.get(i), reference.get(i));
      assertSameFile(fromRecords.get(i), reference.get(i));
    }
  }

  /** What PartitionedWriter did before it had a writer factory of its own. */
  private List<DataFile> icebergGeneric(List<Record> records) throws IOException {
    GenericFileWriterFactory factory =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(table.schema())
            .dataSortOrder(SortOrder.unsorted())
            .writerProperties(WriteOptions.defaults().parquetProperties())
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 0, 0).operationId("generic").format(FileFormat.PARQUET).build();
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
    java.util.Map<PartitionKey, RollingDataWriter<Record>> writers = new java.util.HashMap<>();
    for (Record record : records) {
      key.partition(wrapper.wrap(record));
      writers.computeIfAbsent(key.copy(), k ->
          new RollingDataWriter<>(factory, files, table.io(), 128L << 20, table.spec(), k)).write(record);
    }
    List<DataFile> result = new ArrayList<>();
    for (RollingDataWriter<Record> writer : writers.values()) {
      writer.close();
      result.addAll(writer.result().dataFiles());
    }
    return result;
  }

  private void assertSameFile(DataFile actual, DataFile expected) throws IOException {
    assertThat(actual.partition()).isEqualTo(expected.partition());
    assertThat(actual.recordCount()).isEqualTo(expected.recordCount());
    assertThat(actual.columnSizes()).isEqualTo(expected.columnSizes());
    assertThat(actual.valueCounts()).isEqualTo(expected.valueCounts());
    assertThat(actual.nullValueCounts()).isEqualTo(expected.nullValueCounts());
    assertThat(actual.lowerBounds()).isEqualTo(expected.lowerBounds());
    assertThat(actual.upperBounds()).isEqualTo(expected.upperBounds());
    assertThat(actual.splitOffsets()).isEqualTo(expected.splitOffsets());
    assertThat(bytes(actual)).isEqualTo(bytes(expected));
  }

  private byte[] bytes(DataFile file) throws IOException {
    try (InputStream in = table.io().newInputFile(file.location()).newStream()) {
      return in.readAllBytes();
    }
  }

  private static List<DataFile> sorted(List<DataFile> files) {
    List<DataFile> copy = new ArrayList<>(files);
    copy.sort(Comparator.comparing((DataFile file) -> file.partition().get(0, Integer.class)));
    return copy;
  }
}
