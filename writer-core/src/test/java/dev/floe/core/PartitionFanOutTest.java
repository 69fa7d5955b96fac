package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hash-partitioned spec with more partitions than open files: rows whose partition alternates. */
class PartitionFanOutTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");

  @TempDir Path dir;

  @Test
  void rowsAlternatingOverMorePartitionsThanOpenFilesGiveOneFilePerPartitionInTheirOrder() throws IOException {
    HadoopCatalog catalog = TestTables.catalog(dir.resolve("warehouse"));
    IngestConfig config = IngestConfig.from(Settings.of(Map.of(
            IngestConfig.PARTITION_SPEC, "day(timestamp), bucket(16, do_id)",
            IngestConfig.MAX_OPEN_FILES, "4"), "test"))
        .withDeadLetterDirectory(dir.resolve("dead"));
    // 40 objects, one event each in turn: every row is another partition than the one before.
    List<String> lines = new ArrayList<>();
    for (int seq = 1; seq <= 2000; seq++) {
      lines.add(TestTables.ndjson("do-" + (seq % 40), seq, T.plus(Duration.ofMillis(seq))));
    }
    Batch batch = Batch.ofFile(Files.write(dir.resolve("a.ndjson"), lines));
    FloeWriter writer = FloeWriter.builder(catalog).config(config).build();

    IngestResult result = writer.ingest(List.of(batch));

    Table table = writer.table();
    Map<String, List<DataFile>> filesByPartition = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        filesByPartition.computeIfAbsent(task.file().partition().toString(), p -> new ArrayList<>()).add(task.file());
      }
    }
    int partitions = filesByPartition.size();
    assertThat(partitions).as("bucket partitions the 40 objects fall into").isGreaterThan(4);
    assertThat(filesByPartition.values()).allSatisfy(files -> assertThat(files).hasSize(1));
    assertThat(result.dataFiles()).isEqualTo(partitions);
    // Each partition's file was opened once; all but the last four were closed to make room.
    assertThat(result.dataFilesClosedEarly()).isEqualTo(partitions - 4);
    // Each file holds its rows in the order they came (seq ascending), every row once.
    long rows = 0;
    for (List<DataFile> files : filesByPartition.values()) {
      List<Long> seqs = new ArrayList<>();
      try (CloseableIterable<Record> records = Parquet.read(table.io().newInputFile(files.get(0).location()))
          .project(table.schema())
          .createReaderFunc(schema -> GenericParquetReaders.buildReader(table.schema(), schema))
          .build()) {
        records.forEach(record -> seqs.add((Long) record.getField("seq")));
      }
      assertThat(seqs).isSorted();
      rows += seqs.size();
    }
    assertThat(rows).isEqualTo(2000);
  }
}
