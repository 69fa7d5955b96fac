package dev.floe.core.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import dev.floe.core.table.TableBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionedWriterTest {
  private static final Instant DAY_ONE = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path warehouse;
  private Table table;

  @BeforeEach
  void createTable() {
    table = TableBootstrap.loadOrCreate(
        TestTables.catalog(warehouse), TestTables.EVENTS, IngestConfig.from(Settings.empty()).definition());
  }

  @Test
  void writesOneZstdFilePerDayNamedAfterTheRun() throws IOException {
    PartitionedWriter writer = new PartitionedWriter(table, "run-42", WriteOptions.defaults());
    for (int i = 0; i < 3000; i++) {
      writer.write(TestTables.event("do-" + (i % 50), i, DAY_ONE.plus(Duration.ofDays(i % 3))));
    }
    List<DataFile> files = writer.complete();

    assertThat(files).hasSize(3);
    assertThat(files).allSatisfy(file -> assertThat(file.location()).contains("-run-42-").endsWith(".parquet"));
    assertThat(files).extracting(file -> file.partition().get(0, Integer.class)).doesNotHaveDuplicates();
    assertThat(files.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(3000);
    for (DataFile file : files) {
      assertThat(codecs(file)).containsExactly(CompressionCodecName.ZSTD);
    }
  }

  @Test
  void rollsFilesAtTheTargetSize() {
    // No bloom filter: parquet-java writes it at close, outside the size Iceberg tracks while rolling.
    Table plain = TableBootstrap.loadOrCreate(
        TestTables.catalog(warehouse),
        org.apache.iceberg.catalog.TableIdentifier.of("do_state", "plain"),
        IngestConfig.from(Settings.of(java.util.Map.of(IngestConfig.BLOOM_FILTER_COLUMNS, ""), "test")).definition());
    WriteOptions small = new WriteOptions(DataSize.ofKilobytes(64), 4, DataSize.ofKilobytes(16), 3, List.of());
    PartitionedWriter writer = new PartitionedWriter(plain, "run-1", small);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 60_000; i++) {
      writer.write(TestTables.event("do-" + random.nextInt(1_000_000), i, DAY_ONE));
    }
    List<DataFile> files = writer.complete();

    assertThat(files).hasSizeGreaterThan(6);
    assertThat(files.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(60_000);
    // Every file but the last closes once past the target; Iceberg checks every 1000 rows.
    files.subList(0, files.size() - 1)
        .forEach(file -> assertThat(file.fileSizeInBytes()).isBetween(64L * 1024, 192L * 1024));
  }

  @Test
  void keepsAtMostMaxOpenFilesAndLosesNoRowWhenItClosesOne() {
    PartitionedWriter writer = new PartitionedWriter(table, "run-1", WriteOptions.defaults().withMaxOpenFiles(2));
    int maxOpen = 0;
    for (int i = 0; i < 1000; i++) {
      writer.write(TestTables.event("do-1", i, DAY_ONE.plus(Duration.ofDays(i % 5))));
      maxOpen = Math.max(maxOpen, writer.openFileCount());
    }
    List<DataFile> files = writer.complete();
    commit(files);

    assertThat(maxOpen).isEqualTo(2);
    assertThat(files.size()).isGreaterThan(5);
    List<Record> rows = TestTables.rows(table);
    Set<Long> seqs = new HashSet<>();
    rows.forEach(row -> seqs.add((Long) row.getField("seq")));
    assertThat(rows).hasSize(1000);
    assertThat(seqs).hasSize(1000);
  }

  @Test
  void abortDeletesEveryFileItWrote() {
    WriteOptions small = WriteOptions.defaults().withTargetFileSize(DataSize.ofKilobytes(64)).withRowGroupSize(DataSize.ofKilobytes(16));
    PartitionedWriter writer = new PartitionedWriter(table, "run-1", small.withMaxOpenFiles(1));
    for (int i = 0; i < 10_000; i++) {
      writer.write(TestTables.event("do-" + i, i, DAY_ONE.plus(Duration.ofDays(i / 4000))));
    }
    assertThat(TestTables.dataFilesOnDisk(table)).isNotEmpty();

    writer.abort();

    assertThat(TestTables.dataFilesOnDisk(table)).isEmpty();
  }

  @Test
  void abortNamesEachFileItCannotDelete() {
    Table undeletable = spy(table);
    FileIO io = spy(table.io());
    doReturn(io).when(undeletable).io();
    PartitionedWriter writer = new PartitionedWriter(undeletable, "run-1", WriteOptions.defaults());
    for (int i = 0; i < 100; i++) {
      writer.write(TestTables.event("do-" + i, i, DAY_ONE.plus(Duration.ofDays(i % 2))));
    }
    String stuck = writer.complete().get(0).location();
    doThrow(new UncheckedIOException("Cannot delete " + stuck, new IOException("Read-only file system")))
        .when(io).deleteFile(stuck);

    PartitionedWriter.Aborted aborted = writer.abort();

    assertThat(aborted.deleted()).isEqualTo(1);
    assertThat(aborted.notDeleted()).containsOnlyKeys(stuck);
    assertThat(aborted.notDeleted().get(stuck)).isEqualTo("Read-only file system");
    assertThat(TestTables.dataFilesOnDisk(table)).extracting(Path::toString).containsExactly(stuck.replaceFirst("^file:", ""));
  }

  @Test
  void aSmallFileCarriesASmallBloomFilterAndABigOneARealOne() throws IOException {
    long[] sizes = new long[2];
    int[] rows = {1, 20_000};
    for (int i = 0; i < 2; i++) {
      PartitionedWriter writer = new PartitionedWriter(table, "run-" + i, WriteOptions.defaults());
      for (int n = 0; n < rows[i]; n++) {
        writer.write(TestTables.event("do-" + n, n, DAY_ONE));
      }
      DataFile file = writer.complete().get(0);
      sizes[i] = bloomFilterBytes(file, "do_id");
    }
    // The smallest adaptive candidate for one id; a real filter for 20k distinct ids (~24 KB at 1%).
    assertThat(sizes[0]).isBetween(1L, 17L * 1024);
    assertThat(sizes[1]).isBetween(24L * 1024, 64L * 1024);
  }

  private static long bloomFilterBytes(DataFile file, String column) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.location());
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, new Configuration()))) {
      return reader.getFooter().getBlocks().stream()
          .flatMap(block -> block.getColumns().stream())
          .filter(chunk -> chunk.getPath().toDotString().equals(column))
          .mapToLong(ColumnChunkMetaData::getBloomFilterLength)
          .sum();
    }
  }

  private void commit(List<DataFile> files) {
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
  }

  private static Set<CompressionCodecName> codecs(DataFile file) throws IOException {
    Set<CompressionCodecName> codecs = new HashSet<>();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.location());
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, new Configuration()))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          codecs.add(column.getCodec());
        }
      }
    }
    return codecs;
  }
}
