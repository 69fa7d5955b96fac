package dev.floe.bench;

import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.commit.Committer;
import dev.floe.core.config.Settings;
import dev.floe.core.maintenance.ExpiryOptions;
import dev.floe.core.maintenance.MaintenanceConfig;
import dev.floe.core.maintenance.TableMaintenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A week of one-minute cron commits on the embedded default catalog, on a simulated clock: each
 * commit records {@code --batches} batches (producers) through floe's {@link Committer}, and every
 * {@code --maintain-every} commits {@code floe maintain}'s snapshot expiry and manifest rewrite run
 * with their defaults. At the start, middle and end it prints the size of {@code metadata.json}, the
 * batch ledger's parts and bytes, what a run's dedupe check of new batches reads from them (bytes and
 * read requests), the time to load the table, to check a run's batches against the ledger (all
 * new: every part is consulted), and to commit (median and
 * slowest of the last {@code --sample} commits; a commit that merges ledger parts is the slowest).
 *
 * <p>The commits append one small data file each that is never written (the bookkeeping is what is
 * measured; a data file costs Iceberg the same whatever it holds). Run:
 *
 * <pre>
 *   mvn -B -DskipTests -pl benchmarks -am package
 *   java -cp benchmarks/target/benchmarks.jar dev.floe.bench.LedgerWeek [--commits 10000] [--batches 200]
 * </pre>
 */
public final class LedgerWeek {
  private static final TableIdentifier TABLE = TableIdentifier.of("do_state", "changes");

  /** A clock the simulation moves. */
  private static final class SteppingClock extends Clock {
    private Instant now;

    SteppingClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private LedgerWeek() {}

  public static void main(String[] args) throws IOException {
    int commits = intArg(args, "--commits", 10_000);
    int batches = intArg(args, "--batches", 200);
    int maintainEvery = intArg(args, "--maintain-every", 60);
    int window = intArg(args, "--sample", 50);
    Path dir = Files.createTempDirectory("floe-ledger-week");
    try {
      run(dir, commits, batches, maintainEvery, window);
    } finally {
      deleteTree(dir);
    }
  }

  private static void run(Path dir, int commits, int batches, int maintainEvery, int window) {
    Settings settings = Settings.of(Map.of(CatalogConfig.WAREHOUSE, dir.resolve("warehouse").toString()), "bench");
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(settings));
    SteppingClock clock = new SteppingClock(Instant.parse("2026-11-23T00:00:00Z"));
    IngestConfig config = IngestConfig.from(Settings.empty()).withoutDeadLetterDirectory();
    Table table = FloeWriter.builder(catalog).config(config).clock(clock).build().table();
    Committer committer = new Committer(config.commit(), duration -> {}, clock);
    // Iceberg dates snapshots by the real clock, not the simulated one, so expiry by age cannot
    // run here: keeping the last day's snapshots by count is what the default (1d) keeps at one
    // commit a minute.
    MaintenanceConfig maintenance = MaintenanceConfig.defaults()
        .withExpiry(ExpiryOptions.defaults().withOlderThan(Duration.ZERO).withRetainLast(1440));
    System.out.printf(
        "Batch ledger, a simulated week: %,d commits one minute apart, %,d batches each (%,d in all); maintain"
            + " (expire older than %s, retain last %d; manifest rewrite) every %d commits; embedded catalog; %s%n",
        commits, batches, (long) commits * batches, maintenance.expiry().olderThan(), maintenance.expiry().retainLast(),
        maintainEvery, System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    System.out.printf("%-8s %6s %11s %6s %12s %12s %6s %8s %9s %10s %9s %10s%n", "commits", "day", "metadata B",
        "parts", "ledger B", "check B", "reads", "load ms", "check ms", "commit ms", "max ms", "snapshots");
    List<Integer> samples = List.of(window, commits / 2, commits);
    long[] commitNanos = new long[window];
    long seq = 0;
    for (int commit = 1; commit <= commits; commit++) {
      clock.advance(Duration.ofMinutes(1));
      List<String> digests = new ArrayList<>(batches);
      for (int i = 0; i < batches; i++) {
        digests.add(BatchLedger.digest("producer-" + i + "/batch-" + (seq++)));
      }
      long start = System.nanoTime();
      committer.commit(table, List.of(dataFile(table, commit)), "week-" + commit, digests, Map.of(), Map.of());
      commitNanos[commit % window] = System.nanoTime() - start;
      if (commit % maintainEvery == 0) {
        TableMaintenance maintain = TableMaintenance.builder(table).config(maintenance).clock(clock).build();
        maintain.expireSnapshots();
        maintain.rewriteManifests();
        table.refresh();
      }
      if (samples.contains(commit)) {
        sample(catalog, table, clock, commit, commitNanos, batches, config.commit().dedupeWindow());
      }
    }
  }

  private static void sample(
      Catalog catalog, Table table, SteppingClock clock, int commit, long[] commitNanos, int batches, Duration window) {
    table.refresh();
    String metadata = ((HasTableOperations) table).operations().current().metadataFileLocation();
    long metadataBytes = table.io().newInputFile(metadata).getLength();
    long parts = table.properties().keySet().stream().filter(key -> key.startsWith("floe.ledger.")).count();
    long ledgerBytes = 0;
    for (String file : BatchLedger.ledgerParts(table)) {
      ledgerBytes += table.io().newInputFile(file).getLength();
    }
    long[] loads = new long[5];
    for (int i = 0; i < loads.length; i++) {
      long start = System.nanoTime();
      catalog.loadTable(TABLE);
      loads[i] = System.nanoTime() - start;
    }
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      fresh.add(BatchLedger.digest("never-seen-" + commit + "-" + i));
    }
    long oldestKept = Math.floorDiv(clock.millis() - window.toMillis(), 1000L);
    long[] checks = new long[5];
    BatchLedger.Check check = null;
    for (int i = 0; i < checks.length; i++) {
      long start = System.nanoTime();
      check = BatchLedger.check(table, fresh, oldestKept);
      checks[i] = System.nanoTime() - start;
    }
    System.out.printf("%-8d %6.1f %11s %6d %12s %12s %6d %8.1f %9.1f %10.1f %9.1f %10d%n", commit, commit / 1440.0,
        String.format("%,d", metadataBytes), parts, String.format("%,d", ledgerBytes),
        String.format("%,d", check.bytes()), check.requests(), median(loads) / 1e6, median(checks) / 1e6,
        median(commitNanos) / 1e6, Arrays.stream(commitNanos).max().orElse(0) / 1e6, countSnapshots(table));
  }

  private static int countSnapshots(Table table) {
    int count = 0;
    for (var ignored : table.snapshots()) {
      count++;
    }
    return count;
  }

  private static DataFile dataFile(Table table, int commit) {
    return DataFiles.builder(table.spec())
        .withPath(table.location() + "/data/timestamp_day=2026-11-23/week-" + commit + ".parquet")
        .withPartitionPath("timestamp_day=2026-11-23")
        .withFileSizeInBytes(4096)
        .withRecordCount(1)
        .build();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
