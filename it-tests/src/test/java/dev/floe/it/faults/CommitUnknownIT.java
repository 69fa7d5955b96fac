package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.core.commit.BatchLedger;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalog applies floe's commit, and floe never hears so: the REST proxy forwards the commit
 * request, then loses the answer in one of four ways. floe must find its own commit by run id:
 * the run succeeds (or, if it cannot tell, exits 3 keeping its files), no committed data file is
 * deleted, every event is in the table once, and a rerun commits nothing.
 */
@ExtendWith(ServersExtension.class)
class CommitUnknownIT {
  private static FaultProxy s3;
  private static FaultProxy rest;
  private static final List<String> FIGURES = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void startProxies(Endpoints endpoints) {
    s3 = FaultProxy.start("s3", FaultProxy.Flavor.S3, endpoints.s3Endpoint());
    rest = FaultProxy.start("rest", FaultProxy.Flavor.REST, endpoints.catalogUri());
  }

  @AfterAll
  static void stopProxies() {
    if (rest != null) {
      FIGURES.add("REST requests relayed " + rest.requests() + ", faults injected " + rest.injected());
    }
    Figures.report("CommitUnknownIT (fault, source, floe's exit code, ...):", FIGURES);
    if (s3 != null) {
      s3.close();
    }
    if (rest != null) {
      rest.close();
    }
  }

  /**
   * The commit never reaches the catalog and the client times out: floe cannot tell, so it exits 3
   * and deletes nothing; the rerun lands every event once.
   */
  @org.junit.jupiter.api.Test
  void aCommitThatNeverArrivedExitsThreeKeepsItsFilesAndTheRerunLandsOnce(Endpoints endpoints) {
    String table = "faults_" + UUID.randomUUID().toString().replace("-", "") + ".events";
    Floe floe =
        Floe.via(endpoints, s3.uri(), rest.uri())
            .with("commit.retry-backoff", "50ms")
            .with("catalog.property.rest.client.socket-timeout-ms", "3000");
    Path file = floe.generate(dir.resolve("events.ndjson.gz"), 300, 1_300);
    Path deadLetters = dir.resolve("dead-letters");
    String tableName = table.substring(table.indexOf('.') + 1);
    AtomicInteger hits = new AtomicInteger();
    rest.policy(
        request ->
            request.isTableCommit() && request.path().endsWith("/tables/" + tableName) && hits.getAndIncrement() == 0
                ? Fault.TIMEOUT
                : Fault.PASS);
    Floe.Result result = floe.ingest(table, deadLetters, List.of(file));
    rest.policy(FaultPolicy.NONE);

    try (TableCheck check = new TableCheck(endpoints)) {
      List<String> kept = check.unreferencedDataFiles(table);
      String line =
          String.format(
              "%-26s %-5s exit %d, commit requests %d, data files kept %d, %s",
              Fault.TIMEOUT, "files", result.exitCode(), hits.get(), kept.size(), result.error());
      FIGURES.add(line);
      System.out.println(line);
      assertThat(result.exitCode()).as("stderr:%n%s", result.err()).isEqualTo(3);
      assertThat(result.err()).contains("were NOT deleted");
      assertThat(check.table(table).currentSnapshot()).isNull();
      assertThat(kept).as("the run's data files, kept").isNotEmpty();

      Floe.Result rerun = floe.ingest(table, deadLetters, List.of(file));
      assertThat(rerun.exitCode()).isZero();
      assertThat(rerun.json().get("batches_committed").asInt()).isEqualTo(1);
      TableCheck.Tally tally = check.tally(table, TableCheck.eventsOf(List.of(file)));
      assertThat(tally.lost()).isZero();
      assertThat(tally.doubled()).isZero();
    }
  }

  static Stream<Arguments> lostAnswers() {
    List<Arguments> cases = new ArrayList<>();
    for (Fault fault :
        List.of(Fault.DROP_ANSWER, Fault.HOLD_ANSWER, Fault.BAD_GATEWAY_AFTER, Fault.LOSE_ANSWER_INVITE_RETRY)) {
      cases.add(Arguments.of(fault, false));
      cases.add(Arguments.of(fault, true));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, spool source: {1}")
  @MethodSource("lostAnswers")
  void floeFindsItsOwnCommit(Fault fault, boolean spool, Endpoints endpoints) throws IOException {
    String table = "faults_" + UUID.randomUUID().toString().replace("-", "") + ".events";
    Floe floe =
        Floe.via(endpoints, s3.uri(), rest.uri())
            .with("commit.retry-backoff", "50ms")
            .with("source.settle-time", "0s")
            .with("catalog.property.rest.client.socket-timeout-ms", "3000");
    Path first = floe.generate(dir.resolve("first.ndjson.gz"), 300, 1_100);
    Path second = floe.generate(dir.resolve("second.ndjson.gz"), 300, 1_200);
    Path deadLetters = dir.resolve("dead-letters");
    rest.policy(FaultPolicy.NONE);
    assertThat(floe.ingest(table, deadLetters, List.of(first)).exitCode()).isZero();

    // The next commit to this table reaches the catalog; its answer is lost.
    AtomicInteger hits = new AtomicInteger();
    String tableName = table.substring(table.indexOf('.') + 1);
    rest.policy(
        request ->
            request.isTableCommit() && request.path().endsWith("/tables/" + tableName) && hits.getAndIncrement() == 0
                ? fault
                : Fault.PASS);
    Floe.Result result;
    Path spoolDir = dir.resolve("spool");
    if (spool) {
      Files.createDirectories(spoolDir);
      Files.copy(second, spoolDir.resolve("second.ndjson.gz"));
      result = floe.ingestSpool(table, deadLetters, spoolDir);
    } else {
      result = floe.ingest(table, deadLetters, List.of(second));
    }
    rest.policy(FaultPolicy.NONE);
    assertThat(hits.get()).as("commit requests seen").isGreaterThanOrEqualTo(1);

    try (TableCheck check = new TableCheck(endpoints)) {
      Table loaded = check.table(table);
      List<Snapshot> floeSnapshots = new ArrayList<>();
      loaded.snapshots().forEach(s -> { if (s.summary().containsKey(BatchLedger.RUN_ID)) floeSnapshots.add(s); });
      String line =
          String.format(
              "%-26s %-5s exit %d, commit requests %d, snapshots %d, %s",
              fault, spool ? "spool" : "files", result.exitCode(), hits.get(), floeSnapshots.size(), result.error());
      FIGURES.add(line);
      System.out.println(line);

      assertThat(floeSnapshots).as("the lost commit landed once").hasSize(2);
      assertThat(check.missingDataFiles(table)).as("committed data files deleted").isEmpty();
      assertThat(result.exitCode())
          .as("floe found its own commit by run id; stderr:%n%s", result.err())
          .isZero();
      JsonNode json = result.json();
      assertThat(json.get("committed").asBoolean()).isTrue();
      assertThat(json.get("snapshot_id").asLong()).isEqualTo(loaded.currentSnapshot().snapshotId());
      assertThat(loaded.currentSnapshot().summary().get(BatchLedger.RUN_ID)).isEqualTo(json.get("run_id").asText());

      // Offered again, nothing is committed.
      Floe.Result again =
          spool ? floe.ingestSpool(table, deadLetters, spoolDir) : floe.ingest(table, deadLetters, List.of(second));
      assertThat(again.exitCode()).isZero();
      assertThat(again.json().get("committed").asBoolean()).isFalse();
      if (spool) {
        assertThat(spoolDir.resolve("done").resolve("second.ndjson.gz")).exists();
        assertThat(spoolDir.resolve("second.ndjson.gz")).doesNotExist();
      }
      TableCheck.Tally tally = check.tally(table, TableCheck.eventsOf(List.of(first, second)));
      assertThat(tally.lost()).isZero();
      assertThat(tally.doubled()).isZero();
      assertThat(tally.rows()).isEqualTo(600);
    }
  }
}
