package dev.floe.cli;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.cli.bench.CountingCatalog;
import dev.floe.cli.bench.LimitBaseline;
import dev.floe.cli.bench.Meter;
import dev.floe.cli.bench.NaiveBaseline;
import dev.floe.core.Batch;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestResult;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import dev.floe.core.deadletter.DeadLetters;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.table.TableBootstrap;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code floe bench}: generates (or takes) NDJSON events, ingests them into a fresh embedded
 * warehouse exactly as {@code floe ingest} would, and reports throughput, CPU, memory, files and
 * catalog round trips; then runs the baselines on the same data in the same process.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure ingest throughput on generated (or given) events against the naive and limit baselines.")
final class BenchCommand implements Callable<Integer> {
  static final Set<String> BASELINES = Set.of("naive", "limit");

  @Spec CommandSpec spec;
  @ParentCommand FloeCli root;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--events", paramLabel = "N", defaultValue = "1000000", description = "Events to generate (default ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--input", paramLabel = "FILE", description = "Use this NDJSON file instead of generating events.")
  Path input;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the data set and warehouses go (default: a temp dir, deleted afterwards).")
  Path workDir;

  @Option(names = "--baselines", paramLabel = "LIST", split = ",", defaultValue = "naive,limit", description = "Baselines to run after floe: naive, limit, none (default ${DEFAULT-VALUE}).")
  List<String> baselines;

  @Option(names = "--json", description = "Print one JSON object line instead of the table.")
  boolean json;

  @Option(names = "--stacktrace", description = "Print the full stack trace of an error.")
  boolean stacktrace;

  @Override
  public Integer call() throws IOException {
    List<String> chosen = baselines.stream().filter(name -> !name.equals("none")).toList();
    for (String name : chosen) {
      if (!BASELINES.contains(name)) {
        throw new InvalidConfigException("Invalid --baselines: " + name + " (naive, limit or none)");
      }
    }
    if (events < 1 && input == null) {
      throw new InvalidConfigException("Invalid --events: " + events);
    }
    boolean temporary = workDir == null;
    Path work = temporary ? Files.createTempDirectory("floe-bench-") : Files.createDirectories(workDir);
    try {
      return run(work, chosen);
    } finally {
      if (temporary) {
        deleteRecursively(work);
      }
    }
  }

  private int run(Path work, List<String> chosen) throws IOException {
    Map<String, String> flags = new HashMap<>();
    flags.put("catalog.type", "local");
    flags.put(CatalogConfig.WAREHOUSE, work.resolve("warehouse").toString());
    Settings settings = configOptions.settings(root.env(), flags);
    IngestConfig config = IngestConfig.from(settings).withTable(TableIdentifier.of("bench", "floe"));
    String loadBefore = loadAverage();
    Path data = input != null ? input : generate(work.resolve("events.ndjson"));
    long inputBytes = Files.size(data);

    List<Map<String, Object>> phases = new ArrayList<>();
    Map<String, Object> floe;
    try (OpenCatalog open = new OpenCatalog(CatalogFactory.create(CatalogConfig.from(settings)))) {
      Catalog catalog = open.catalog();
      TableBootstrap.loadOrCreate(catalog, config.table(), config.definition());
      CountingCatalog counting = new CountingCatalog(catalog);
      FloeWriter writer = FloeWriter.builder(counting).config(config).deadLetters(DeadLetters.logging()).build();
      Meter meter = Meter.start();
      IngestResult result = writer.ingest(List.of(Batch.ofFile(data)));
      Meter.Reading reading = meter.stop();
      floe = phase("floe", result.eventsWritten(), inputBytes, reading, "process CPU, all threads");
      floe.put("data_files", result.dataFiles());
      floe.put("data_files_closed_early", result.dataFilesClosedEarly());
      floe.put("bytes_written", result.bytesWritten());
      floe.put("events_rejected", result.eventsRejected());
      floe.put("commit_ms", counting.commitNanos() / 1_000_000.0);
      floe.put("commits", counting.commits());
      floe.put("catalog_requests", counting.requests());
      floe.put("catalog_loads", counting.loads());
      floe.put("catalog_refreshes", counting.refreshes());
      floe.put("s3_requests", "n/a (local file system)");
      floe.put("file_sizes", fileSizes(catalog.loadTable(config.table())));
      phases.add(floe);

      if (chosen.contains("naive")) {
        Table naive = TableBootstrap.loadOrCreate(catalog, TableIdentifier.of("bench", "naive"), config.definition());
        Meter naiveMeter = Meter.start();
        List<DataFile> files;
        try (InputStream in = Files.newInputStream(data)) {
          files = NaiveBaseline.write(naive, config.write().parquetProperties(), config.write().targetFileSize().bytes(), in);
        }
        Meter.Reading naiveReading = naiveMeter.stop();
        Map<String, Object> phase = phase("naive", files.stream().mapToLong(DataFile::recordCount).sum(), inputBytes,
            naiveReading, "process CPU, all threads; Jackson tree + Iceberg generic Parquet writer, no commit");
        phase.put("data_files", files.size());
        phase.put("bytes_written", files.stream().mapToLong(DataFile::fileSizeInBytes).sum());
        phases.add(phase);
      }
    }
    if (chosen.contains("limit")) {
      LimitBaseline limit = new LimitBaseline(config.definition().schema(), work.resolve("limit"), config.write().zstdLevel(),
          config.write().rowGroupSize().bytes(), config.write().bloomFilterColumns());
      Meter limitMeter = Meter.start();
      LimitBaseline.Result result;
      try (InputStream in = Files.newInputStream(data)) {
        result = limit.run(in);
      }
      Meter.Reading whole = limitMeter.stop();
      Meter.Reading timed = new Meter.Reading(result.wallNanos(), result.cpuNanos(), whole.peakHeapBytes(),
          whole.peakRssBytes(), whole.rssPerPhase());
      Map<String, Object> phase = phase("limit", result.events(), inputBytes, timed,
          "thread CPU of the Parquet writing only (input decoded beforehand, untimed; memory includes the decoded chunk)");
      phase.put("data_files", result.fileSizes().size());
      phase.put("bytes_written", result.fileSizes().stream().mapToLong(Long::longValue).sum());
      phases.add(phase);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("events", floe.get("events"));
    report.put("input_bytes", inputBytes);
    report.put("input", input != null ? input.toString() : "generated, seed " + seed);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    report.put("load_before", loadBefore);
    report.put("load_after", loadAverage());
    report.put("process_cpu_s", Meter.processCpuNanos() / 1e9);
    report.put("phases", phases);
    report.put("peer", "Spark 4.1 local[2] through REST+S3: not run here (it-tests builds the Spark interop)");
    print(report, phases);
    return ExitCodes.OK;
  }

  private Path generate(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      new EventGenerator(seed).write(events, out);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return file;
  }

  private static Map<String, Object> phase(String name, long count, long inputBytes, Meter.Reading reading, String cpuScope) {
    Map<String, Object> phase = new LinkedHashMap<>();
    double seconds = reading.wallNanos() / 1e9;
    double cpu = reading.cpuNanos() / 1e9;
    phase.put("name", name);
    phase.put("events", count);
    phase.put("wall_s", round(seconds));
    phase.put("cpu_s", round(cpu));
    phase.put("events_per_s", Math.round(count / seconds));
    phase.put("mb_per_s", round(inputBytes / 1e6 / seconds));
    phase.put("events_per_cpu_s", Math.round(count / cpu));
    phase.put("cpu_s_per_million", round(cpu / (count / 1e6)));
    phase.put("peak_heap_bytes", reading.peakHeapBytes());
    phase.put("peak_rss_bytes", reading.peakRssBytes());
    phase.put("rss_per_phase", reading.rssPerPhase());
    phase.put("cpu_scope", cpuScope);
    return phase;
  }

  private void print(Map<String, Object> report, List<Map<String, Object>> phases) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.line(report));
      out.flush();
      return;
    }
    out.printf("floe bench: %,d events, %s of NDJSON (%s); %d cores, max heap %s; load %s before, %s after%n",
        (Long) report.get("events"), IngestCommand.humanBytes((Long) report.get("input_bytes")), report.get("input"),
        (Integer) report.get("cores"), IngestCommand.humanBytes((Long) report.get("max_heap_bytes")),
        report.get("load_before"), report.get("load_after"));
    out.printf("%-6s %10s %8s %8s %12s %10s %10s %10s %6s %10s%n",
        "", "events/s", "MB/s", "CPU s", "events/CPU-s", "CPU s/M", "peak heap", "peak RSS", "files", "bytes");
    for (Map<String, Object> phase : phases) {
      out.printf("%-6s %,10d %8.1f %8.2f %,12d %10.2f %10s %10s %6d %10s%n",
          phase.get("name"), (Long) phase.get("events_per_s"), (Double) phase.get("mb_per_s"), (Double) phase.get("cpu_s"),
          (Long) phase.get("events_per_cpu_s"), (Double) phase.get("cpu_s_per_million"),
          IngestCommand.humanBytes((Long) phase.get("peak_heap_bytes")), IngestCommand.humanBytes((Long) phase.get("peak_rss_bytes")),
          ((Number) phase.get("data_files")).intValue(), IngestCommand.humanBytes(((Number) phase.get("bytes_written")).longValue()));
    }
    Map<String, Object> floe = phases.get(0);
    out.printf("floe:  commit %.1f ms; catalog requests %d for %d commit (%d load, %d refresh, %d commit); S3 requests %s%n",
        (Double) floe.get("commit_ms"), (Long) floe.get("catalog_requests"), (Long) floe.get("commits"),
        (Long) floe.get("catalog_loads"), (Long) floe.get("catalog_refreshes"), (Long) floe.get("commits"), floe.get("s3_requests"));
    out.printf("floe:  file sizes %s%n", floe.get("file_sizes"));
    for (Map<String, Object> phase : phases) {
      out.printf("%-6s CPU: %s%n", phase.get("name") + ":", phase.get("cpu_scope"));
    }
    out.printf("peer:  %s%n", report.get("peer"));
    out.flush();
  }

  private static List<String> fileSizes(Table table) {
    List<String> sizes = new ArrayList<>();
    table.currentSnapshot().addedDataFiles(table.io()).forEach(file ->
        sizes.add(file.partition() + "=" + IngestCommand.humanBytes(file.fileSizeInBytes())));
    sizes.sort(Comparator.naturalOrder());
    return sizes;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temp dir left behind is harmless.
    }
  }
}
