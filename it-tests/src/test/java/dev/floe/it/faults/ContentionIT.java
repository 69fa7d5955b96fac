package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several floe writers and a compactor hammering one table through the REST catalog at once. The
 * REST proxy injects nothing here: it watches the wire, counting commit requests (attempts) per
 * floe run and their answers. Every commit lands, or its run fails retryably and is run again;
 * every event ends up in the table exactly once, and compaction keeps every row.
 */
@ExtendWith(ServersExtension.class)
class ContentionIT {
  private static final int WRITERS = 4;
  private static final int RUNS_PER_WRITER = 8;
  private static final int RERUNS = 3;
  private static final int EVENTS_PER_FILE = 200;
  private static final int MAX_COMPACTIONS = 20;

  @TempDir Path dir;

  @Test
  void writersAndCompactionOnOneTable(Endpoints endpoints) throws Exception {
    String table = "faults_" + UUID.randomUUID().toString().replace("-", "") + ".events";
    Map<String, List<Integer>> statusesByRun = new ConcurrentHashMap<>();
    AtomicLong compactionAttempts = new AtomicLong();
    AtomicLong compactionConflicts = new AtomicLong();
    try (FaultProxy rest = FaultProxy.start("rest", FaultProxy.Flavor.REST, endpoints.catalogUri());
        TableCheck check = new TableCheck(endpoints)) {
      String tableName = table.substring(table.indexOf('.') + 1);
      rest.observe(
          (request, fault, status) -> {
            if (!request.isTableCommit() || !request.path().endsWith("/tables/" + tableName)) {
              return;
            }
            String runId = request.floeRunId();
            if (runId != null) {
              statusesByRun.computeIfAbsent(runId, id -> Collections.synchronizedList(new ArrayList<>())).add(status);
            } else if (new String(request.message().body(), StandardCharsets.UTF_8).contains("\"replace\"")) {
              compactionAttempts.incrementAndGet();
              if (status == 409) {
                compactionConflicts.incrementAndGet();
              }
            }
          });
      Floe floe =
          Floe.via(endpoints, endpoints.s3Endpoint(), rest.uri()).with("commit.retry-backoff", "100ms");

      List<List<Path>> inputs = new ArrayList<>();
      List<Path> all = new ArrayList<>();
      for (int writer = 0; writer < WRITERS; writer++) {
        List<Path> files = new ArrayList<>();
        for (int run = 0; run < RUNS_PER_WRITER; run++) {
          files.add(floe.generate(dir.resolve("w" + writer + "-" + run + ".ndjson.gz"), EVENTS_PER_FILE, 5_000 + 10L * (writer * RUNS_PER_WRITER + run)));
        }
        inputs.add(files);
        all.addAll(files);
      }
      // The table exists before the race starts, so that the writers contend on commits only.
      Path seed = floe.generate(dir.resolve("seed.ndjson.gz"), EVENTS_PER_FILE, 4_000);
      all.add(seed);
      assertThat(floe.ingest(table, dir.resolve("dead-letters"), List.of(seed)).exitCode()).isZero();

      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
      CountDownLatch writersDone = new CountDownLatch(WRITERS);
      AtomicInteger floeRetries = new AtomicInteger();
      AtomicInteger compactions = new AtomicInteger();
      AtomicInteger groupsCommitted = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int writer = 0; writer < WRITERS; writer++) {
        List<Path> files = inputs.get(writer);
        futures.add(
            pool.submit(
                () -> {
                  try {
                    // Each run offers the writer's files so far: one new, the rest already in.
                    for (int run = 1; run <= RUNS_PER_WRITER; run++) {
                      ingestWithReruns(floe, table, files.subList(0, run), floeRetries);
                    }
                  } finally {
                    writersDone.countDown();
                  }
                  return null;
                }));
      }
      futures.add(
          pool.submit(
              () -> {
                // Compacts for as long as the writers write (at most MAX_COMPACTIONS runs).
                while (writersDone.getCount() > 0 && compactions.get() < MAX_COMPACTIONS) {
                  Floe.Result result =
                      floe.maintain("compact", table, "--partition-min-age", "0s", "--min-input-files", "2", "--target-file-size", "1MB");
                  compactions.incrementAndGet();
                  assertThat(result.exitCode()).as("compaction; stderr:%n%s", result.err()).isZero();
                  groupsCommitted.addAndGet(result.json().get("groups_committed").asInt());
                }
                return null;
              }));
      pool.shutdown();
      assertThat(pool.awaitTermination(4, TimeUnit.MINUTES)).as("writers and compactor finished").isTrue();
      for (Future<?> future : futures) {
        future.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      TableCheck.Tally tally = check.tally(table, TableCheck.eventsOf(all));
      assertThat(check.missingDataFiles(table)).isEmpty();
      assertThat(tally.lost()).isZero();
      assertThat(tally.doubled()).isZero();

      // Attempts per landed floe commit, from the wire.
      Map<Integer, Integer> attemptsHistogram = new TreeMap<>();
      int landed = 0;
      int attempts = 0;
      int conflicts = 0;
      for (List<Integer> statuses : statusesByRun.values()) {
        attempts += statuses.size();
        conflicts += (int) statuses.stream().filter(status -> status == 409).count();
        if (statuses.contains(200)) {
          landed++;
          attemptsHistogram.merge(statuses.size(), 1, Integer::sum);
        }
      }
      Figures.report(
          "ContentionIT:",
          List.of(
              String.format("%d writers x %d runs + compaction, %.1f s; %s", WRITERS, RUNS_PER_WRITER, seconds, tally),
              String.format(
                  "floe commits landed %d (one per run with a new batch), commit requests %d (409 conflicts %d),"
                      + " %.2f attempts per commit, max %d; attempts -> commits %s",
                  landed, attempts, conflicts, landed == 0 ? 0.0 : (double) attempts / landed,
                  attemptsHistogram.keySet().stream().mapToInt(Integer::intValue).max().orElse(0), attemptsHistogram),
              "floe runs that failed retryably and were run again: " + floeRetries.get(),
              String.format(
                  "compaction runs %d, groups committed %d, commit requests %d (409 conflicts %d)",
                  compactions.get(), groupsCommitted.get(), compactionAttempts.get(), compactionConflicts.get())));

      // The writers' runs plus the one that created the table.
      assertThat(landed).as("every run with a new batch landed once").isEqualTo(WRITERS * RUNS_PER_WRITER + 1);
      assertThat(statusesByRun.values()).allSatisfy(statuses -> assertThat(statuses.stream().filter(s -> s == 200)).hasSizeLessThanOrEqualTo(1));
    }
  }

  /** Runs one ingest, and again while it fails retryably (exit 1), at most {@link #RERUNS} times. */
  private static void ingestWithReruns(Floe floe, String table, List<Path> files, AtomicInteger reruns) {
    for (int attempt = 0; ; attempt++) {
      Floe.Result result = floe.ingest(table, files.get(0).resolveSibling("dead-letters"), files);
      if (result.exitCode() == 0) {
        assertThat(result.json().get("batches_committed").asInt() + result.json().get("batches_skipped").asInt())
            .isEqualTo(files.size());
        return;
      }
      assertThat(result.exitCode()).as("a failed run is retryable; stderr:%n%s", result.err()).isEqualTo(1);
      assertThat(attempt).as("reruns of one run").isLessThan(RERUNS);
      reruns.incrementAndGet();
    }
  }
}
