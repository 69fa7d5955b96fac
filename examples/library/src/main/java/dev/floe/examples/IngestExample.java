package dev.floe.examples;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.Batch;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.IngestResult;
import dev.floe.core.config.Settings;
import dev.floe.core.deadletter.DeadLetters;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * floe as a library: ingests a file of events and a batch built in memory into an Iceberg table on
 * the embedded default catalog (SQLite + local files, no servers), then offers both again to show
 * that a batch already in the table is skipped. Exits 1 if anything is not as it should be.
 *
 * <p>Arguments: a directory to make a fresh warehouse in, and an NDJSON file (plain, gzip or zstd).
 */
public final class IngestExample {
  private IngestExample() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("Usage: IngestExample RUNS_DIR EVENTS_FILE");
      System.exit(2);
    }
    Files.createDirectories(Path.of(args[0]));
    Path run = Files.createTempDirectory(Path.of(args[0]).toAbsolutePath(), "run-");
    Path events = Path.of(args[1]);

    // The same keys as floe.properties (docs/configuration.md); "warehouse" alone means the
    // embedded catalog. For R2 Data Catalog: catalog.type=rest, catalog.uri, s3.profile=r2, ...
    Settings settings = Settings.of(Map.of("warehouse", run.resolve("warehouse").toString()), "IngestExample");
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(settings));
    try {
      FloeWriter writer = FloeWriter.builder(catalog)
          .config(IngestConfig.from(settings).withFilter("op != '_internal'"))
          .deadLetters(DeadLetters.directory(run.resolve("dead-letter")))
          .build();

      List<Batch> batches = List.of(
          Batch.ofFile(events), // id: name + size + SHA-256
          Batch.ofEvents("do-example:1-2", List.of( // your own id, e.g. do_id:firstSeq-lastSeq
              Map.of("do_id", "do-example", "key", "greeting", "value", "\"hello\"", "op", "PUT",
                  "timestamp", 1_764_000_000_000L, "seq", 1L),
              Map.of("do_id", "do-example", "key", "greeting", "op", "DELETE",
                  "timestamp", 1_764_000_001_000L, "seq", 2L))));

      IngestOptions options = IngestOptions.defaults().withProgress(progress -> {
        if (progress.allRead()) {
          System.out.printf("read %d batches: %,d events, %,d bytes%n",
              progress.batchesDone(), progress.eventsRead(), progress.bytesRead());
        }
      });
      IngestResult first = writer.ingest(batches, options);
      System.out.printf("first run: committed=%s snapshot=%s batches=%d events written=%,d rejected=%,d files=%d%n",
          first.committed(), first.snapshotId(), first.batchesCommitted(), first.eventsWritten(),
          first.eventsRejected(), first.dataFiles());

      IngestResult again = writer.ingest(batches);
      System.out.printf("same batches again: committed=%s, %d skipped as already in the table%n",
          again.committed(), again.batchesSkipped());

      Table table = writer.table();
      long rows = Long.parseLong(table.currentSnapshot().summary().get("total-records"));
      System.out.printf("table %s at %s: %,d rows%n", table.name(), table.location(), rows);

      boolean ok = first.committed() && first.batchesCommitted() == 2 && first.eventsWritten() > 2
          && !again.committed() && again.batchesSkipped() == 2 && rows == first.eventsWritten();
      if (!ok) {
        System.err.println("IngestExample: unexpected outcome (see above)");
        System.exit(1);
      }
    } finally {
      if (catalog instanceof Closeable closeable) {
        closeable.close();
      }
    }
  }
}
