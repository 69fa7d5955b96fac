package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.faults.Figures;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The crash drill against the harness's Iceberg REST catalog and S3 server: data files go to S3
 * through S3FileIO and every commit goes over HTTP, so a kill can land mid-upload or mid-request.
 * Sources: a spool folder, and an S3 prefix (lease object, claims and done/ in S3).
 */
@ExtendWith(ServersExtension.class)
class RestCrashIT {
  private static final int KILLS = Integer.getInteger("floe.it.crash.rest-kills", 8);

  @TempDir Path dir;

  private static String uniqueTable() {
    return "cron_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".events";
  }

  @Test
  void randomKillsOnASpoolLoseAndDoubleNothing(Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    long seed = SpoolCrashIT.SEED + 1;
    CrashDrill drill = new CrashDrill(target, spool, target.launcher(dir.resolve("logs")), "rest", seed);

    CrashDrill.Figures figures = drill.run(seed, KILLS, CrashDrill.CAP);

    Figures.report("Crash drill, spool + REST catalog + S3:", List.of(figures.toString()));
    assertThat(figures.kills()).as("kills in at most 3 runs each").isGreaterThanOrEqualTo(Math.min(KILLS, 4));
  }

  @Test
  void randomKillsOnAnS3PrefixLoseAndDoubleNothing(Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    try (S3Client s3 = endpoints.newS3Client()) {
      S3Inbox inbox = new S3Inbox(s3, endpoints.bucket(), "inbox-" + UUID.randomUUID() + "/");
      long seed = SpoolCrashIT.SEED + 2;
      CrashDrill drill = new CrashDrill(target, inbox, new FloeProcess.Launcher(dir.resolve("logs"), s3SourceEnv(target)), "s3", seed);

      CrashDrill.Figures figures = drill.run(seed, KILLS, CrashDrill.CAP);

      Figures.report("Crash drill, S3 prefix + REST catalog + S3:", List.of(figures.toString()));
      assertThat(figures.kills()).as("kills in at most 3 runs each").isGreaterThanOrEqualTo(Math.min(KILLS, 4));
    }
  }

  @Test
  void randomKillsOfRunsWithAnEventLimitOnAnS3PrefixLoseAndDoubleNothing(Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    try (S3Client s3 = endpoints.newS3Client()) {
      S3Inbox inbox = new S3Inbox(s3, endpoints.bucket(), "inbox-" + UUID.randomUUID() + "/");
      long seed = SpoolCrashIT.SEED + 4;
      CrashDrill drill = new CrashDrill(target, inbox, new FloeProcess.Launcher(dir.resolve("logs"), s3SourceEnv(target)),
          "s3-limited", seed, List.of("--max-events", "2000"));

      CrashDrill.Figures figures = drill.run(seed, KILLS, CrashDrill.CAP);

      Figures.report("Crash drill, S3 prefix + REST catalog + S3, --max-events 2000:", List.of(figures.toString()));
      assertThat(figures.kills()).as("kills in at most 3 runs each").isGreaterThanOrEqualTo(Math.min(KILLS, 4));
      assertThat(figures.table().lost()).isZero();
      assertThat(figures.table().doubled()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(value = CrashPoint.class, names = {"BEFORE_COMMIT", "AFTER_COMMIT", "MID_ACKNOWLEDGE"})
  void anS3PrefixRunKilledAtANarrowWindowIsFinishedByTheNextRun(CrashPoint point, Endpoints endpoints) {
    Target target = Target.rest(endpoints, dir.resolve("dead-letters"), uniqueTable());
    try (S3Client s3 = endpoints.newS3Client()) {
      S3Inbox inbox = new S3Inbox(s3, endpoints.bucket(), "inbox-" + UUID.randomUUID() + "/");
      FloeProcess.Launcher launcher = new FloeProcess.Launcher(dir.resolve("logs"), s3SourceEnv(target));
      EventBook book = new EventBook("w", point.ordinal());
      List<String> dropped = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        EventBook.Drop drop = book.next(300);
        inbox.drop(drop);
        dropped.add(drop.name());
      }

      FloeProcess crashed = launcher.start(point, "ingest", "--json", inbox.uri());

      assertThat(crashed.await()).as(crashed.describe()).isEqualTo(CrashPoint.EXIT_CODE);
      boolean committed = point != CrashPoint.BEFORE_COMMIT;
      assertThat(inbox.claimFiles()).singleElement().asString().endsWith(".claim");
      assertThat(inbox.strayLocks()).as("the dead run's lease").containsExactly("lease");
      assertThat(target.withTable(TableCheck::rows).orElse(0L)).isEqualTo(committed ? 900 : 0);
      assertThat(inbox.done()).hasSize(point == CrashPoint.MID_ACKNOWLEDGE ? 2 : 0);

      FloeProcess next = launcher.start("ingest", "--json", inbox.uri());

      assertThat(next.await()).as(next.describe()).isZero();
      JsonNode summary = next.json();
      assertThat(summary.get("claims_acknowledged").asInt()).isEqualTo(committed ? 1 : 0);
      assertThat(summary.get("claims_released").asInt()).isEqualTo(committed ? 0 : 1);
      assertThat(summary.get("batches_committed").asInt()).isEqualTo(committed ? 0 : 3);
      assertThat(next.err()).contains("expired");
      ExactlyOnce.assertAll(target, List.of(book), Map.of(inbox, dropped));
    }
  }

  /** Committed objects move to done/ so the test can count them; a dead run's lease expires at once. */
  static Map<String, String> s3SourceEnv(Target target) {
    return target.env(Map.of("FLOE_SOURCE_KEEP_DONE", "true", "FLOE_SOURCE_LEASE_TTL", "1s"));
  }
}
