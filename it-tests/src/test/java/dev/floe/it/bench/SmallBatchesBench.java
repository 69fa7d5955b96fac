package dev.floe.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.core.generate.EventGenerator;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServerLayout;
import dev.floe.it.servers.ServersExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Many producers, one worker: {@code bench.batches} small batches ({@code bench.batch-events}
 * events each, as one Durable Object flushes) drained by one {@code floe ingest} process through
 * the REST catalog and s3proxy, from a spool folder and from an S3 prefix, each with the source's
 * read-ahead off ({@code ingest.read-ahead=0}: one batch after the other) and at its default.
 *
 * <p>Each case first runs floe on a single batch, so the fixed cost of a run (JVM, catalog, table
 * load, commit) can be told from the cost per batch: CPU per batch is (CPU of the big run - CPU of
 * the one-batch run) / (batches - 1). That figure still holds the JIT compilation a longer run
 * triggers, so {@code bench.batches} may list several sizes ({@code 2000,10000}): each larger run
 * also reports its marginal CPU per batch beyond the previous size. {@code bench.sources} ({@code
 * spool,s3 prefix}) and {@code bench.read-ahead} ({@code 0,default}) choose the cases, and {@code
 * bench.settings} adds floe settings to every run ({@code k=v;k=v}). Every run
 * must commit all its batches and events, so a failed run cannot report. Not a test and not in CI:
 * {@code mvn -B -pl it-tests -am verify -Pbench -Dit.test=SmallBatchesBench -Dbench.batches=5000}.
 * Results go to stdout and {@code target/bench-results.txt}.
 */
@ExtendWith(ServersExtension.class)
class SmallBatchesBench {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

  @Test
  void oneWorkerDrainsManySmallBatches(Endpoints endpoints) throws Exception {
    List<Integer> sizes = Arrays.stream(System.getProperty("bench.batches", "5000").split(","))
        .map(String::trim).map(Integer::valueOf).toList();
    List<String> sources = Arrays.stream(System.getProperty("bench.sources", "spool,s3 prefix").split(","))
        .map(String::trim).toList();
    List<String> readAheads = Arrays.stream(System.getProperty("bench.read-ahead", "0,default").split(","))
        .map(String::trim).toList();
    int perBatch = Integer.getInteger("bench.batch-events", 5);
    Map<String, String> extraSettings = settings(System.getProperty("bench.settings", ""));
    Path launcher = Path.of(System.getProperty("floe.bench.launcher", "../bin/floe")).toAbsolutePath().normalize();
    Path dir = ServerLayout.fromSystemProperties().serversDir().getParent().resolve("bench-small");
    List<String> report = new ArrayList<>(BenchReport.machine());
    report.add(String.format("batches of %d events, one floe ingest process each run; REST catalog + s3proxy%s", perBatch,
        extraSettings.isEmpty() ? "" : "; settings " + extraSettings));
    report.add("| source | read-ahead | batches | wall s | CPU s | batches/s | CPU ms per batch (beyond the one-batch run)"
        + " | CPU ms per batch (beyond the previous size) | peak RSS MB |");
    report.add("|---|---|---|---|---|---|---|---|---|");
    try (S3Client s3 = endpoints.newS3Client()) {
      for (String readAhead : readAheads) {
        for (String source : sources) {
          String run = UUID.randomUUID().toString().substring(0, 8);
          String table = "bench_small.t_" + run;
          Map<String, String> settings = new LinkedHashMap<>();
          settings.put("source.settle-time", "0s");
          if (!readAhead.equals("default")) {
            settings.put("ingest.read-ahead", readAhead);
          }
          FloeIngestProcess.Result one = drain(endpoints, s3, launcher, dir.resolve(run + "-one"), source, table,
              run + "-one", 1, perBatch, settings, extraSettings);
          FloeIngestProcess.Result previous = one;
          int previousSize = 1;
          for (int batches : sizes) {
            FloeIngestProcess.Result many = drain(endpoints, s3, launcher, dir.resolve(run + "-" + batches), source,
                table, run + "-" + batches, batches, perBatch, settings, extraSettings);
            double seconds = many.wall().toMillis() / 1000.0;
            // The marginal cost: what the extra batches of a longer run cost once the JIT compiled
            // the hot code, which a short run pays for in its per-batch figure.
            String marginal = previousSize == 1 ? "-"
                : String.format("%.2f", (many.cpuSeconds() - previous.cpuSeconds()) * 1000 / (batches - previousSize));
            report.add(String.format("| %s | %s | %,d | %.1f | %.1f | %,.0f | %.2f | %s | %.0f |", source, readAhead,
                batches, seconds, many.cpuSeconds(), batches / seconds,
                (many.cpuSeconds() - one.cpuSeconds()) * 1000 / (batches - 1), marginal, many.peakRssBytes() / 1e6));
            previous = many;
            previousSize = batches;
          }
        }
      }
    } finally {
      BenchReport.print(report, dir.getParent().resolve("bench-results.txt"));
    }
  }

  private static FloeIngestProcess.Result drain(Endpoints endpoints, S3Client s3, Path launcher, Path dir, String source,
      String table, String name, int batches, int perBatch, Map<String, String> settings,
      Map<String, String> extraSettings) throws Exception {
    List<byte[]> contents = contents(name, batches, perBatch);
    // Given as -D flags: keys such as catalog.property.* have no environment variable.
    List<String> args = new ArrayList<>();
    extraSettings.forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
    if (source.equals("spool")) {
      Path spool = Files.createDirectories(dir.resolve("spool"));
      for (int i = 0; i < batches; i++) {
        Files.write(spool.resolve(String.format("producer-%05d.ndjson", i)), contents.get(i));
      }
      args.addAll(List.of("--spool", spool.toString()));
    } else {
      String prefix = "bench-small/" + name + "/";
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
          String key = prefix + String.format("producer-%05d.ndjson", i);
          byte[] body = contents.get(i);
          puts.add(pool.submit(() -> s3.putObject(b -> b.bucket(endpoints.bucket()).key(key), RequestBody.fromBytes(body))));
        }
        for (Future<?> put : puts) {
          put.get();
        }
      } finally {
        pool.shutdown();
      }
      args.add("s3://" + endpoints.bucket() + "/" + prefix);
    }
    FloeIngestProcess.Result result =
        FloeIngestProcess.run(launcher, endpoints, table, args, settings, Files.createDirectories(dir.resolve("logs")),
            RUN_TIMEOUT);
    JsonNode summary = result.summary();
    assertThat(summary.get("committed").asBoolean()).as("%s: committed", name).isTrue();
    assertThat(summary.get("events_written").asLong()).as("%s: events written", name).isEqualTo((long) batches * perBatch);
    return result;
  }

  /** {@code key=value} pairs separated by {@code ;}, e.g. {@code catalog.property.http-client.type=urlconnection}. */
  private static Map<String, String> settings(String text) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String pair : text.split(";")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bench.settings: expected key=value, got " + pair);
      }
      settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return settings;
  }

  /** Distinct NDJSON batches: each from its own generator seed. */
  private static List<byte[]> contents(String name, int batches, int perBatch) {
    List<byte[]> contents = new ArrayList<>(batches);
    for (int i = 0; i < batches; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      // One producer's flush: its events fall within a minute, and producers flush one after
      // another (a second apart), so a run's batches cover a few partitions in order. (The
      // generator's default spreads each batch's events over 5 days in order: with
      // write.max-open-files=4 every row would then close a file, which is the partition fan-out
      // problem, not per-batch overhead.)
      new EventGenerator((name.hashCode() * 1_000_003L) + i, 1000, EventGenerator.DEFAULT_START.plusSeconds(i),
          Duration.ofMinutes(1), 0.03, 1000).write(perBatch, out);
      contents.add(out.toByteArray());
    }
    return contents;
  }
}
