package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * floe ingesting through fault proxies in front of s3proxy and the REST catalog, at set rates:
 * 500s, 503 SlowDown, 429 (and R2's one-write-per-second-per-key rule), resets mid-answer, latency
 * spikes and time-outs. Moderate rates: every run succeeds through the clients' retries. Heavy
 * rates: runs fail with a retryable exit code and leave nothing half-committed. Either way, the
 * reruns land every event exactly once.
 */
@ExtendWith(ServersExtension.class)
class FaultInjectionIT {
  private static final int FILES = 12;
  private static final int EVENTS_PER_FILE = 400;
  private static final List<String> FIGURES = new ArrayList<>();

  private static FaultProxy s3;
  private static FaultProxy rest;

  @TempDir Path dir;

  @BeforeAll
  static void startProxies(Endpoints endpoints) {
    s3 = FaultProxy.start("s3", FaultProxy.Flavor.S3, endpoints.s3Endpoint());
    rest = FaultProxy.start("rest", FaultProxy.Flavor.REST, endpoints.catalogUri());
  }

  @AfterEach
  void noFaults() {
    s3.policy(FaultPolicy.NONE);
    rest.policy(FaultPolicy.NONE);
  }

  @AfterAll
  static void stopProxiesAndPrintFigures() {
    Figures.report("FaultInjectionIT:", FIGURES);
    if (s3 != null) {
      s3.close();
    }
    if (rest != null) {
      rest.close();
    }
  }

  /**
   * S3 retries with full-jitter backoff from 500 ms: shorter than Iceberg's 2 s default, so the
   * test stays short, yet long enough that R2's one-write-per-second rule lets a PUT through again
   * after its first answer was lost (from 50 ms, retries of such a PUT all met 429 and a moderate
   * run failed). Time-outs short enough to be hit.
   */
  private static Floe floe(Endpoints endpoints, int s3Retries) {
    return Floe.via(endpoints, s3.uri(), rest.uri())
        .with("commit.retry-backoff", "100ms")
        .with("s3.retry.num-retries", Integer.toString(s3Retries))
        .with("s3.retry.min-wait-ms", "500")
        .with("s3.retry.max-wait-ms", "4000")
        .with("catalog.property.http-client.apache.socket-timeout-ms", "2000")
        .with("catalog.property.rest.client.socket-timeout-ms", "4000");
  }

  @Test
  void moderateFaultsAreRetriedAndEveryRunSucceeds(Endpoints endpoints) {
    s3.policy(
        RandomFaults.seeded(42)
            .sameKeyWriteLimit()
            .rate(Fault.INTERNAL_ERROR, 0.04)
            .rate(Fault.SLOW_DOWN, 0.04)
            .rate(Fault.TOO_MANY_REQUESTS, 0.03)
            .rate(Fault.RESET_MID_BODY, 0.03)
            .rate(Fault.DELAY, 0.04)
            .rate(Fault.TIMEOUT, 0.01)
            .build());
    // Only what Iceberg's REST client retries: 429 and 503 with Retry-After on any request, 500 on
    // reads. (A reset or a 500 on a commit is not retried: see the heavy test and CommitUnknownIT.)
    rest.policy(
        RandomFaults.seeded(43)
            .rate(Fault.TOO_MANY_REQUESTS, 0.03)
            .rate(Fault.SLOW_DOWN, 0.03)
            .rate(Fault.INTERNAL_ERROR, 0.03, request -> request.method().equals("GET"))
            .rate(Fault.DELAY, 0.03)
            .build());
    Scenario scenario = new Scenario("moderate", endpoints, floe(endpoints, 5), 2_000);

    // Each run offers every file so far: the new ones are committed, the earlier ones skipped.
    for (int run = 1; run <= FILES / 2; run++) {
      Floe.Result result = scenario.ingest(2 * run);
      assertThat(result.exitCode()).as("run %d; stderr:%n%s", run, result.err()).isZero();
      assertThat(result.json().get("batches_committed").asInt()).isEqualTo(2);
      assertThat(result.json().get("batches_skipped").asInt()).isEqualTo(2 * run - 2);
    }
    assertThat(scenario.check.missingDataFiles(scenario.table)).isEmpty();
    TableCheck.Tally tally = scenario.finish();
    assertThat(s3.injectedTotal()).as("S3 faults injected").isPositive();
    assertThat(rest.injectedTotal()).as("REST faults injected").isPositive();
    assertThat(tally.lost()).isZero();
    assertThat(tally.doubled()).isZero();
  }

  @Test
  void heavyFaultsFailRunsRetryablyAndTheRerunLandsEveryEventOnce(Endpoints endpoints) {
    s3.policy(
        RandomFaults.seeded(7)
            .sameKeyWriteLimit()
            .rate(Fault.INTERNAL_ERROR, 0.10)
            .rate(Fault.SLOW_DOWN, 0.10)
            .rate(Fault.TOO_MANY_REQUESTS, 0.05)
            .rate(Fault.RESET_MID_BODY, 0.08)
            .rate(Fault.DELAY, 0.05)
            .rate(Fault.TIMEOUT, 0.02)
            .build());
    rest.policy(
        RandomFaults.seeded(8)
            .rate(Fault.INTERNAL_ERROR, 0.08)
            .rate(Fault.SLOW_DOWN, 0.05)
            .rate(Fault.RESET_MID_BODY, 0.06)
            .rate(Fault.DROP_ANSWER, 0.04, ProxiedRequest::isTableCommit)
            .rate(Fault.DELAY, 0.03)
            .build());
    Scenario scenario = new Scenario("heavy", endpoints, floe(endpoints, 1), 3_000);

    Map<Integer, Integer> exits = new TreeMap<>();
    for (int run = 1; run <= 8; run++) {
      Floe.Result result = scenario.ingest(FILES);
      exits.merge(result.exitCode(), 1, Integer::sum);
      assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.err()).isIn(0, 1, 3);
      // Whatever failed, what the table holds is whole: every file it references exists, and no
      // event is in it twice.
      assertThat(scenario.check.missingDataFiles(scenario.table)).isEmpty();
      assertThat(scenario.tallyNow().doubled()).isZero();
    }
    assertThat(exits.keySet()).as("exit codes under heavy faults").contains(1);

    // The faults stop; the rerun lands what is missing.
    s3.policy(FaultPolicy.NONE);
    rest.policy(FaultPolicy.NONE);
    Floe.Result rerun = scenario.ingest(FILES);
    assertThat(rerun.exitCode()).as("rerun; stderr:%n%s", rerun.err()).isZero();
    TableCheck.Tally tally = scenario.finish();
    FIGURES.add("heavy: exit codes of the runs under faults (code=runs) " + exits + ", then 1 rerun: exit 0");
    assertThat(tally.lost()).isZero();
    assertThat(tally.doubled()).isZero();
  }

  /** One table, its input files, and the runs that ingest them. */
  private final class Scenario {
    final String name;
    final String table = "faults_" + UUID.randomUUID().toString().replace("-", "") + ".events";
    final Floe floe;
    final TableCheck check;
    final List<Path> files = new ArrayList<>();
    final long s3Before = s3.requests();
    final long restBefore = rest.requests();
    final Map<Fault, Long> s3FaultsBefore = s3.injected();
    final Map<Fault, Long> restFaultsBefore = rest.injected();
    final long startNanos = System.nanoTime();
    int runs;

    Scenario(String name, Endpoints endpoints, Floe floe, long seedBase) {
      this.name = name;
      this.floe = floe;
      this.check = new TableCheck(endpoints);
      for (int i = 0; i < FILES; i++) {
        files.add(floe.generate(dir.resolve(name + "-" + i + ".ndjson.gz"), EVENTS_PER_FILE, seedBase + 10L * i));
      }
    }

    Floe.Result ingest(int fileCount) {
      runs++;
      Floe.Result result = floe.ingest(table, dir.resolve("dead-letters"), files.subList(0, fileCount));
      System.out.printf("%s run %d: exit %d %s%n", name, runs, result.exitCode(), result.exitCode() == 0 ? result.out().strip() : result.error());
      return result;
    }

    TableCheck.Tally tallyNow() {
      return check.tally(table, TableCheck.eventsOf(files));
    }

    TableCheck.Tally finish() {
      TableCheck.Tally tally = tallyNow();
      FIGURES.add(
          String.format(
              "%s: %d runs, %d files, %s, %.1f s; S3 requests %d, faults %s; REST requests %d, faults %s",
              name,
              runs,
              files.size(),
              tally,
              (System.nanoTime() - startNanos) / 1e9,
              s3.requests() - s3Before,
              delta(s3.injected(), s3FaultsBefore),
              rest.requests() - restBefore,
              delta(rest.injected(), restFaultsBefore)));
      check.close();
      return tally;
    }

    private Map<Fault, Long> delta(Map<Fault, Long> now, Map<Fault, Long> before) {
      Map<Fault, Long> delta = new TreeMap<>();
      now.forEach((fault, count) -> {
        long added = count - before.getOrDefault(fault, 0L);
        if (added > 0) {
          delta.put(fault, added);
        }
      });
      return delta;
    }
  }
}
