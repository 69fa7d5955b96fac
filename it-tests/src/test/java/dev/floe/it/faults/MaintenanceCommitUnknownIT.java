package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Maintenance commits whose answer is lost, through the real REST catalog and S3 server: the relay
 * lets the catalog apply the first compaction (or manifest rewrite) commit and then resets the
 * connection, times out, answers 502, or answers 503 so that the client sends the commit again.
 * Whatever floe concludes (exit 0 once it finds its commit, 3 when it cannot tell), every data file
 * the table references exists, every event is in it once, and a reader can scan it.
 */
@ExtendWith(ServersExtension.class)
class MaintenanceCommitUnknownIT {
  private static final int INGESTS = 6;
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
    Figures.report("MaintenanceCommitUnknownIT (step, fault: floe's exit code, commit requests, files missing, rows lost, doubled):",
        FIGURES);
    if (s3 != null) {
      s3.close();
    }
    if (rest != null) {
      rest.close();
    }
  }

  static Stream<Arguments> stepsAndFaults() {
    List<Arguments> cases = new ArrayList<>();
    for (String step : List.of("compact", "manifests")) {
      for (Fault fault : List.of(Fault.DROP_ANSWER, Fault.HOLD_ANSWER, Fault.BAD_GATEWAY_AFTER, Fault.LOSE_ANSWER_INVITE_RETRY)) {
        cases.add(Arguments.of(step, fault));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("stepsAndFaults")
  void aMaintenanceCommitWhoseAnswerIsLostLeavesEveryReferencedFileInPlace(String step, Fault fault, Endpoints endpoints) {
    String table = "maint_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".events";
    String tableName = table.substring(table.indexOf('.') + 1);
    Floe floe =
        Floe.via(endpoints, s3.uri(), rest.uri())
            .with("commit.retry-backoff", "50ms")
            .with("catalog.property.rest.client.socket-timeout-ms", "3000")
            .with("maintain.manifests.min-count", "4");
    rest.policy(FaultPolicy.NONE);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < INGESTS; i++) {
      Path file = floe.generate(dir.resolve("events-" + i + ".ndjson.gz"), 100, 7L * (i + 1));
      files.add(file);
      Floe.Result ingest = floe.ingest(table, dir.resolve("dead-letters"), List.of(file));
      assertThat(ingest.exitCode()).as("ingest %d; stderr:%n%s", i, ingest.err()).isZero();
    }

    AtomicInteger commits = new AtomicInteger();
    rest.policy(request -> request.isTableCommit() && request.path().endsWith("/tables/" + tableName)
        && commits.getAndIncrement() == 0 ? fault : Fault.PASS);
    Floe.Result maintain = step.equals("compact")
        ? floe.maintain("compact", table, "--partition-min-age", "0s", "--min-input-files", "2", "--target-file-size", "1MB")
        : floe.maintain("manifests", table);
    rest.policy(FaultPolicy.NONE);

    try (TableCheck check = new TableCheck(endpoints)) {
      List<String> missing = check.missingDataFiles(table);
      TableCheck.Tally tally = check.tally(table, TableCheck.eventsOf(files));
      FIGURES.add(String.format("%-9s %-26s exit %d, commit requests %d, files missing %d, lost %d, doubled %d",
          step, fault, maintain.exitCode(), commits.get(), missing.size(), tally.lost(), tally.doubled()));
      assertThat(commits.get()).as("commit requests (the fault was injected)").isPositive();
      assertThat(maintain.exitCode()).as("stderr:%n%s", maintain.err()).isIn(0, 3);
      assertThat(missing).as("referenced data files missing").isEmpty();
      assertThat(tally.lost()).isZero();
      assertThat(tally.doubled()).isZero();

      // Maintenance goes on from there: a second pass runs and the table stays whole.
      Floe.Result again = step.equals("compact")
          ? floe.maintain("compact", table, "--partition-min-age", "0s", "--min-input-files", "2", "--target-file-size", "1MB")
          : floe.maintain("manifests", table);
      assertThat(again.exitCode()).as("second pass; stderr:%n%s", again.err()).isZero();
      assertThat(check.missingDataFiles(table)).isEmpty();
      TableCheck.Tally after = check.tally(table, TableCheck.eventsOf(files));
      assertThat(after.lost()).isZero();
      assertThat(after.doubled()).isZero();
    }
  }
}
