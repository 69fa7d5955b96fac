package dev.floe.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.config.Settings;
import dev.floe.core.generate.EventGenerator;
import dev.floe.it.servers.ServerLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

/**
 * The seed's own query, {@code WHERE do_id = ? AND timestamp > ?}, on a multi-day table written by
 * {@code floe ingest}, before and after {@code floe maintain compact --sort}. For each row-group
 * size in {@code bench.lookup.row-group-sizes} (64MB,8MB,4MB,2MB,1MB) the same generated file is
 * ingested into a fresh table (embedded catalog, local warehouse; floe's processes run by {@code
 * bin/floe} under {@code /usr/bin/time}), then rewritten sorted with {@code -D
 * maintain.compaction.sorted-row-group-size=SIZE} and
 * {@code --target-file-size} {@code bench.lookup.target-file-size} (128MB).
 *
 * <p>For {@code bench.lookup.ids} (20) random {@code do_id}s and a time bound at the start of the
 * generated span's second day, it reports: rows found (which must be equal before and after, and
 * equal through both readers), data files Iceberg's scan planning keeps with that filter, row groups
 * of those files whose {@code do_id} and {@code timestamp} min/max admit the lookup, the share of
 * the bytes of the partitions the time bound admits that those row groups hold, and the median wall
 * time of the lookup through Iceberg's generic reader and through DuckDB's Parquet reader (given
 * the files Iceberg planned, as an index of min/max statistics would). CPU per event of the rewrite
 * is compared with the ingest's, both as whole processes. Not a test and not in CI: {@code mvn -B
 * -pl it-tests -am verify -Pbench -Dit.test=LookupBench}; results go to stdout and {@code
 * target/bench-results.txt}.
 */
class LookupBench {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
  private static final String TABLE = "bench_lookup.changes";

  @Test
  void oneObjectLookupsBeforeAndAfterTheSortedRewrite() throws Exception {
    int events = Integer.getInteger("bench.events", 1_000_000);
    int days = Integer.getInteger("bench.lookup.days", 3);
    int objects = Integer.getInteger("bench.lookup.objects", 1000);
    int ids = Integer.getInteger("bench.lookup.ids", 20);
    String targetFileSize = System.getProperty("bench.lookup.target-file-size", "128MB");
    List<String> rowGroupSizes = List.of(System.getProperty("bench.lookup.row-group-sizes", "64MB,8MB,4MB,2MB,1MB").split(","));
    Path launcher = Path.of(System.getProperty("floe.bench.launcher", "../bin/floe")).toAbsolutePath().normalize();
    Path dir = ServerLayout.fromSystemProperties().serversDir().getParent().resolve("bench-lookup")
        .resolve(UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    Path input = dir.resolve("events.ndjson");
    try (var out = Files.newOutputStream(input)) {
      new EventGenerator(42, objects, EventGenerator.DEFAULT_START, Duration.ofDays(days), 0.03, 1000).write(events, out);
    }
    Instant since = EventGenerator.DEFAULT_START.plus(1, ChronoUnit.DAYS);

    List<String> report = new ArrayList<>(BenchReport.machine());
    report.add(String.format("%,d events (%d Durable Objects, %d days from %s, %.0f MB of NDJSON); %d random do_ids, each"
        + " looked up WHERE do_id = ? AND timestamp > %s; rewrite: floe maintain compact --sort --target-file-size %s",
        events, objects, days, EventGenerator.DEFAULT_START, Files.size(input) / 1e6, ids, since, targetFileSize));
    report.add("| layout | row group size | data files | row groups | table MB | files planned per lookup (of files in"
        + " the admitted days) | row groups admitted per lookup (of theirs) | share of the admitted days' bytes |"
        + " rows per lookup | Iceberg generic reader ms (median) | DuckDB ms (median) | CPU us/event |");
    report.add("|---|---|---|---|---|---|---|---|---|---|---|---|");
    List<String> lookupIds = null;
    Map<String, Long> rowsBefore = null;
    try {
      for (String rowGroupSize : rowGroupSizes) {
        Path run = Files.createDirectories(dir.resolve("rg-" + rowGroupSize));
        Map<String, String> env = Map.of("FLOE_WAREHOUSE", run.resolve("warehouse").toString(), "FLOE_TABLE", TABLE);
        FloeIngestProcess.Result ingest = floe(launcher, env, run.resolve("ingest"), List.of("ingest", "--json", "--dead-letter-dir",
            run.resolve("dead-letters").toString(), input.toString()));
        assertThat(ingest.summary().get("events_written").asLong()).isEqualTo(events);
        if (lookupIds == null) {
          lookupIds = pickIds(run, ids);
        }
        if (rowsBefore == null) {
          Layout before = measure(run, lookupIds, since);
          rowsBefore = before.rows();
          report.add(before.row("as ingested", "64MB (ingest default)", ingest.cpuSeconds() * 1e6 / events));
        }
        FloeIngestProcess.Result rewrite = floe(launcher, env, run.resolve("compact"), List.of("maintain", "compact", "--json", "--sort",
            "--partition-min-age", "0s", "--target-file-size", targetFileSize, "--max-bytes", "100GB",
            "--max-group-size", "100GB", "-D", "maintain.compaction.sorted-row-group-size=" + rowGroupSize));
        Layout after = measure(run, lookupIds, since);
        assertThat(after.rows()).as("rows per do_id after the rewrite").isEqualTo(rowsBefore);
        report.add(after.row("sorted", rowGroupSize, rewrite.cpuSeconds() * 1e6 / events));
        report.add(String.format("| (ingest of this table: %.1f CPU s, %.1f us/event; rewrite %.1f CPU s, peak RSS %.0f"
            + " MB) | | | | | | | | | | | |", ingest.cpuSeconds(), ingest.cpuSeconds() * 1e6 / events,
            rewrite.cpuSeconds(), rewrite.peakRssBytes() / 1e6));
      }
    } finally {
      BenchReport.print(report, dir.getParent().getParent().resolve("bench-results.txt"));
    }
  }

  /** {@code count} do_ids drawn with a fixed seed from those in the table. */
  private static List<String> pickIds(Path run, int count) throws Exception {
    try (AutoCloseable closer = catalog(run)) {
      Table table = ((Catalog) closer).loadTable(TableIdentifier.parse(TABLE));
      TreeSet<String> all = new TreeSet<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("do_id").build()) {
        rows.forEach(row -> all.add((String) row.getField("do_id")));
      }
      List<String> ids = new ArrayList<>(all);
      Collections.shuffle(ids, new Random(7));
      return List.copyOf(ids.subList(0, Math.min(count, ids.size())));
    }
  }

  /** What a table's files are, and what each lookup costs on them. */
  private record Layout(
      int files, int rowGroups, long bytes, double filesPlanned, double filesInDays, double rowGroupsAdmitted,
      double rowGroupsInPlanned, double shareOfDays, Map<String, Long> rows, double icebergMillis, double duckdbMillis) {

    String row(String layout, String rowGroupSize, double cpuMicrosPerEvent) {
      double perLookup = rows.values().stream().mapToLong(Long::longValue).average().orElse(0);
      return String.format("| %s | %s | %d | %d | %.1f | %.1f (of %.1f) | %.1f (of %.1f) | %.2f%% | %.0f | %.1f | %.1f | %.1f |",
          layout, rowGroupSize, files, rowGroups, bytes / 1e6, filesPlanned, filesInDays, rowGroupsAdmitted,
          rowGroupsInPlanned, shareOfDays * 100, perLookup, icebergMillis, duckdbMillis, cpuMicrosPerEvent);
    }
  }

  private static Layout measure(Path run, List<String> ids, Instant since) throws Exception {
    try (AutoCloseable closer = catalog(run); Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
      Table table = ((Catalog) closer).loadTable(TableIdentifier.parse(TABLE));
      Map<String, List<BlockMetaData>> footers = new HashMap<>();
      List<DataFile> all = planned(table, Expressions.alwaysTrue());
      for (DataFile file : all) {
        footers.put(file.location(), footer(file));
      }
      List<DataFile> inDays = planned(table, Expressions.greaterThan("timestamp", micros(since)));
      long daysBytes = inDays.stream().flatMap(f -> footers.get(f.location()).stream()).mapToLong(BlockMetaData::getCompressedSize).sum();
      Map<String, Long> rows = new HashMap<>();
      double filesPlanned = 0;
      double rowGroupsAdmitted = 0;
      double rowGroupsInPlanned = 0;
      double share = 0;
      List<Double> icebergTimes = new ArrayList<>();
      List<Double> duckdbTimes = new ArrayList<>();
      lookup(table, duckdb, ids.get(0), since, List.copyOf(all)); // warm-up, not counted
      for (String id : ids) {
        Expression filter = Expressions.and(Expressions.equal("do_id", id), Expressions.greaterThan("timestamp", micros(since)));
        List<DataFile> files = planned(table, filter);
        filesPlanned += files.size();
        long admittedBytes = 0;
        for (DataFile file : files) {
          for (BlockMetaData block : footers.get(file.location())) {
            rowGroupsInPlanned++;
            if (admits(block, id, micros(since))) {
              rowGroupsAdmitted++;
              admittedBytes += block.getCompressedSize();
            }
          }
        }
        share += (double) admittedBytes / daysBytes;
        long[] found = lookup(table, duckdb, id, since, files);
        icebergTimes.add(found[1] / 1e6);
        duckdbTimes.add(found[3] / 1e6);
        assertThat(found[2]).as("rows of %s through DuckDB", id).isEqualTo(found[0]);
        rows.put(id, found[0]);
      }
      int n = ids.size();
      return new Layout(all.size(), footers.values().stream().mapToInt(List::size).sum(),
          all.stream().mapToLong(DataFile::fileSizeInBytes).sum(), filesPlanned / n, inDays.size(), rowGroupsAdmitted / n,
          rowGroupsInPlanned / n, share / n, rows, median(icebergTimes), median(duckdbTimes));
    }
  }

  /** Rows and nanoseconds of one lookup through Iceberg's generic reader, then through DuckDB. */
  private static long[] lookup(Table table, Connection duckdb, String id, Instant since, List<DataFile> files)
      throws IOException, SQLException {
    Expression filter = Expressions.and(Expressions.equal("do_id", id), Expressions.greaterThan("timestamp", micros(since)));
    long start = System.nanoTime();
    long iceberg = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).where(filter).build()) {
      for (Record row : rows) {
        if (id.equals(row.getField("do_id")) && ((java.time.OffsetDateTime) row.getField("timestamp")).toInstant().isAfter(since)) {
          iceberg++;
        }
      }
    }
    long icebergNanos = System.nanoTime() - start;
    long duck = 0;
    start = System.nanoTime();
    if (!files.isEmpty()) {
      String list = files.stream().map(f -> "'" + Path.of(java.net.URI.create(f.location())).toString().replace("'", "''") + "'")
          .collect(Collectors.joining(", ", "[", "]"));
      try (PreparedStatement query = duckdb.prepareStatement("SELECT * FROM read_parquet(" + list
          + ") WHERE do_id = ? AND \"timestamp\" > TIMESTAMPTZ '" + since + "'")) {
        query.setString(1, id);
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            duck++;
          }
        }
      }
    }
    return new long[] {iceberg, icebergNanos, duck, System.nanoTime() - start};
  }

  /** Whether a row group's min/max statistics admit {@code do_id = id AND timestamp > since}. */
  private static boolean admits(BlockMetaData block, String id, long sinceMicros) {
    Binary value = Binary.fromString(id);
    for (ColumnChunkMetaData column : block.getColumns()) {
      String name = column.getPath().toDotString();
      Statistics<?> stats = column.getStatistics();
      if (stats == null || !stats.hasNonNullValue()) {
        continue;
      }
      if (name.equals("do_id")) {
        Binary min = (Binary) stats.genericGetMin();
        Binary max = (Binary) stats.genericGetMax();
        if (min.compareTo(value) > 0 || max.compareTo(value) < 0) {
          return false;
        }
      } else if (name.equals("timestamp") && (Long) stats.genericGetMax() <= sinceMicros) {
        return false;
      }
    }
    return true;
  }

  private static List<DataFile> planned(Table table, Expression filter) throws IOException {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().filter(filter).planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    return files;
  }

  private static List<BlockMetaData> footer(DataFile file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(Path.of(java.net.URI.create(file.location()))))) {
      return reader.getFooter().getBlocks();
    }
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }

  private static AutoCloseable catalog(Path run) {
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(Settings.of(Map.of("warehouse",
        run.resolve("warehouse").toString()), "bench")));
    if (catalog instanceof AutoCloseable closeable) {
      return closeable;
    }
    throw new IllegalStateException("Cannot close catalog " + catalog);
  }

  private static FloeIngestProcess.Result floe(Path launcher, Map<String, String> env, Path logs, List<String> args) {
    return FloeIngestProcess.command(launcher, args, env, logs, RUN_TIMEOUT);
  }
}
