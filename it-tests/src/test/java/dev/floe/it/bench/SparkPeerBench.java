package dev.floe.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.core.IngestConfig;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.table.TableBootstrap;
import dev.floe.core.table.TableDefinition;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServerLayout;
import dev.floe.it.servers.ServersExtension;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * floe against its peer, side by side on one machine: the same generated NDJSON file appended to
 * two Iceberg tables through the same REST catalog and S3 API, once by {@code floe ingest} (its
 * own process, as {@code bin/floe} runs it) and once by Spark 4.1 {@code local[2]} ({@link
 * SparkPeer}). Both tables are created beforehand with floe's definition (schema, day partitions,
 * ZSTD and the other write properties; Spark's without floe's declared sort order, which floe does
 * not apply on ingest and Spark would), so each run is a plain append.
 *
 * <p>floe is measured as a whole process (JVM start, catalog, read, write, commit); Spark's
 * start-up is reported apart and its append is the {@code INSERT} alone, which favours Spark. Both
 * tables are read back through Spark and must hold every event once, so a failed run cannot
 * report. Not a test and not in CI: {@code mvn -B -pl it-tests -am verify -Pbench
 * -Dbench.events=1000000}. Results go to stdout and {@code target/bench-results.txt}.
 */
@ExtendWith(ServersExtension.class)
class SparkPeerBench {
  private static final Duration RUN_TIMEOUT = Duration.ofHours(1);

  @Test
  void floeAndSparkAppendTheSameFile(Endpoints endpoints) {
    long events = Long.getLong("bench.events", 1_000_000);
    long seed = Long.getLong("bench.seed", 42);
    Path launcher = Path.of(System.getProperty("floe.bench.launcher", "../bin/floe")).toAbsolutePath().normalize();
    ServerLayout layout = ServerLayout.fromSystemProperties();
    Path dir = layout.serversDir().getParent().resolve("bench");
    List<String> report = new ArrayList<>(BenchReport.machine());
    Path input = generate(dir, events, seed);
    report.add("input: " + input);

    TableDefinition definition = IngestConfig.defaults().definition();
    Namespace namespace = Namespace.of("bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    TableIdentifier floeTable = TableIdentifier.of(namespace, "floe_events");
    TableIdentifier sparkTable = TableIdentifier.of(namespace, "spark_events");
    try (RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("bench", endpoints.catalogProperties());
      TableBootstrap.loadOrCreate(catalog, floeTable, definition);
      catalog
          .buildTable(sparkTable, definition.schema())
          .withPartitionSpec(definition.spec())
          .withProperties(new HashMap<>(definition.properties()))
          .create();
      try {
        String floeLoadBefore = ProcStats.loadAverage();
        double serversBefore = ProcStats.serversCpuSeconds();
        FloeIngestProcess.Result floe =
            FloeIngestProcess.run(launcher, endpoints, floeTable.toString(), input, dir.resolve("logs"), RUN_TIMEOUT);
        double floeServersCpu = ProcStats.serversCpuSeconds() - serversBefore;
        String floeLoadAfter = ProcStats.loadAverage();
        JsonNode summary = floe.summary();
        // floe runs first, Spark second; both read the input from the page cache (just generated).
        assertThat(summary.get("events_written").asLong()).as("floe's events written").isEqualTo(events);

        try (SparkPeer spark = SparkPeer.start(layout, endpoints)) {
          SparkPeer.Measured append = spark.append(sparkTable.toString(), definition.schema(), input, RUN_TIMEOUT);
          SparkPeer.Contents floeContents = spark.contents(floeTable.toString());
          SparkPeer.Contents sparkContents = spark.contents(sparkTable.toString());
          for (SparkPeer.Contents contents : List.of(floeContents, sparkContents)) {
            assertThat(contents.rows()).as("rows read back").isEqualTo(events);
            assertThat(contents.distinctIds()).as("distinct (do_id, seq) read back").isEqualTo(events);
          }
          assertThat(floeContents.files()).isEqualTo(summary.get("data_files").asLong());
          assertThat(floeContents.bytes()).isEqualTo(summary.get("bytes_written").asLong());

          BenchReport table = new BenchReport(events, size(input));
          table.row("floe ingest (whole process)", floe.wall(), floe.cpuSeconds(), floeServersCpu, floeContents,
              floe.peakRssBytes(), floeLoadBefore, floeLoadAfter);
          table.row("Spark append (INSERT only)", append.wall(), append.cpuSeconds(), append.serversCpuSeconds(),
              sparkContents, spark.peakRssBytes(), append.loadBefore(), append.loadAfter());
          SparkPeer.Measured startUp = spark.startUp();
          table.row("Spark start-up (JVM, session, catalog)", startUp.wall(), startUp.cpuSeconds(),
              startUp.serversCpuSeconds(), null, -1, startUp.loadBefore(), startUp.loadAfter());
          report.addAll(table.lines());
          report.add(String.format(
              "floe's own run (read, write, commit; from its JSON): %.2f s; floe user %.2f s + sys %.2f s",
              summary.get("duration_ms").asLong() / 1000.0, floe.userSeconds(), floe.systemSeconds()));
          report.addAll(BenchReport.ratios(events, floe.wall(), floe.cpuSeconds(), append, startUp));
        }
      } finally {
        drop(catalog, floeTable);
        drop(catalog, sparkTable);
        catalog.dropNamespace(namespace);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the catalog", e);
    } finally {
      BenchReport.print(report, dir.getParent().resolve("bench-results.txt"));
    }
  }

  /**
   * {@code count} events from {@link EventGenerator} with this seed, as plain NDJSON, kept between
   * runs: the same count and seed give the same bytes.
   */
  static Path generate(Path dir, long count, long seed) {
    Path file = dir.resolve("events-" + count + "-seed" + seed + ".ndjson");
    if (Files.isRegularFile(file)) {
      return file;
    }
    try {
      Files.createDirectories(dir);
      Path partial = dir.resolve(file.getFileName() + ".partial");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
        new EventGenerator(seed).write(count, out);
      }
      return Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file, e);
    }
  }

  private static void drop(RESTCatalog catalog, TableIdentifier table) {
    if (catalog.tableExists(table)) {
      catalog.dropTable(table, true);
    }
  }
}
