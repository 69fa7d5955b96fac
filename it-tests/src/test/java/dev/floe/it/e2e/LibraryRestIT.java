package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestResult;
import dev.floe.core.config.Settings;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's path end to end: a {@link FloeWriter} on the catalog that {@code CatalogFactory}
 * builds from settings, ingesting several file batches into the REST catalog as one commit.
 */
@ExtendWith(ServersExtension.class)
class LibraryRestIT {
  @TempDir Path dir;
  private RestTarget target;

  @AfterEach
  void dropTable() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void ingestsBatchesExactlyOnceAsZstdFilesOfTheTargetSize(Endpoints endpoints) throws IOException {
    target = RestTarget.create(endpoints, "library");
    List<Path> inputs =
        List.of(
            // Seeds far apart: the generator derives Durable Object ids from seed * 31 + index.
            RestTarget.generate(dir.resolve("a.ndjson"), 40_000, 1000),
            RestTarget.generate(dir.resolve("b.ndjson"), 35_000, 2000),
            RestTarget.generate(dir.resolve("c.ndjson"), 25_000, 3000));
    Map<String, String> values = new LinkedHashMap<>(target.settings());
    values.put("write.target-file-size", "4MB");
    values.put("write.parquet.page-size-bytes", "32768"); // see CliRestIT
    // Each input spans the same five days; with a file open per day across all three batches,
    // every day's files roll at the target (with fewer, the least recent day is closed early).
    values.put("write.max-open-files", "6");
    values.put("dead-letter.dir", dir.resolve("dead-letters").toString());
    Settings settings = Settings.of(values, "LibraryRestIT");
    List<Batch> batches = inputs.stream().map(Batch::ofFile).toList();

    Catalog catalog = CatalogFactory.create(CatalogConfig.from(settings));
    try {
      FloeWriter writer = FloeWriter.builder(catalog).config(IngestConfig.from(settings)).build();
      IngestResult result = writer.ingest(batches);

      assertThat(result.committed()).isTrue();
      assertThat(result.batches()).extracting(BatchOutcome::status).containsOnly(BatchOutcome.Status.COMMITTED);
      assertThat(result.eventsRead()).isEqualTo(100_000);
      assertThat(result.eventsWritten()).isEqualTo(100_000);
      assertThat(result.eventsRejected()).isZero();

      Table table = target.load();
      assertThat(table.currentSnapshot().snapshotId()).isEqualTo(result.snapshotId());
      assertThat(table.currentSnapshot().summary()).containsEntry("floe.batch-count", "3");
      ExpectedRows.ofNdjson(inputs).assertSameAs(ExpectedRows.ofTable(table));
      List<DataFile> files = DataFiles.of(table);
      assertThat(files).hasSize(result.dataFiles());
      assertThat(files.stream().mapToLong(DataFile::fileSizeInBytes).sum()).isEqualTo(result.bytesWritten());
      DataFiles.assertZstdRolledAt(table, 4L << 20);

      // The same batches again, e.g. a caller retrying after losing the first answer.
      IngestResult again = writer.ingest(inputs.stream().map(Batch::ofFile).toList());
      assertThat(again.committed()).isFalse();
      assertThat(again.batchesSkipped()).isEqualTo(3);
      assertThat(again.eventsRead()).isZero();
      assertThat(target.load().snapshots()).hasSize(1);
    } finally {
      ((Closeable) catalog).close();
    }
  }
}
