package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.faults.Figures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cron job on a spool folder and the embedded local catalog, killed with SIGKILL: at random
 * moments, and at each narrow window of the claim protocol. Whatever the moment, the next run
 * finishes the job: every valid event once, every file in done/ once, no claim left.
 */
class SpoolCrashIT {
  static final long SEED = Long.getLong("floe.it.crash.seed", 20261124L);
  static final int KILLS = Integer.getInteger("floe.it.crash.kills", 12);

  @TempDir Path dir;

  @Test
  void randomKillsWhileProducersDropFilesLoseAndDoubleNothing() {
    Target target = Target.local(dir.resolve("warehouse"), dir.resolve("dead-letters"), "cron.events");
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    CrashDrill drill = new CrashDrill(target, spool, target.launcher(dir.resolve("logs")), "spool", SEED);

    CrashDrill.Figures figures = drill.run(SEED, KILLS, CrashDrill.CAP);

    Figures.report("Crash drill, spool + local catalog:", List.of(figures.toString()));
    assertThat(figures.kills()).as("kills in at most 3 runs each").isGreaterThanOrEqualTo(Math.min(KILLS, 6));
    assertThat(figures.table().lost()).isZero();
    assertThat(figures.table().doubled()).isZero();
  }

  @Test
  void randomKillsOfRunsWithAnEventLimitLoseAndDoubleNothing() {
    Target target = Target.local(dir.resolve("warehouse"), dir.resolve("dead-letters"), "cron.events");
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    long seed = SEED + 3;
    CrashDrill drill = new CrashDrill(target, spool, target.launcher(dir.resolve("logs")), "limited", seed,
        List.of("--max-events", "2000"));

    CrashDrill.Figures figures = drill.run(seed, KILLS, CrashDrill.CAP);

    Figures.report("Crash drill, spool + local catalog, --max-events 2000:", List.of(figures.toString()));
    assertThat(figures.kills()).as("kills in at most 3 runs each").isGreaterThanOrEqualTo(Math.min(KILLS, 6));
    assertThat(figures.table().lost()).isZero();
    assertThat(figures.table().doubled()).isZero();
  }

  @ParameterizedTest
  @EnumSource(CrashPoint.class)
  void aRunKilledAtANarrowWindowIsFinishedByTheNextRun(CrashPoint point) throws IOException {
    Path warehouse = dir.resolve("warehouse");
    Target target = Target.local(warehouse, dir.resolve("dead-letters"), "cron.events");
    SpoolInbox spool = new SpoolInbox(dir.resolve("spool"));
    FloeProcess.Launcher launcher = target.launcher(dir.resolve("logs"));
    EventBook book = new EventBook("w", point.ordinal());
    List<String> dropped = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      EventBook.Drop drop = book.next(400);
      spool.drop(drop);
      dropped.add(drop.name());
    }

    FloeProcess crashed = launcher.start(point, "ingest", "--json", "--spool", spool.dir().toString());

    assertThat(crashed.await()).as(crashed.describe()).isEqualTo(CrashPoint.EXIT_CODE);
    assertThat(crashed.err()).contains("halting at crash point " + point.pointName());
    assertThat(crashed.out()).isEmpty();
    assertThat(spool.claimFiles()).as("the crashed run's claim").singleElement().asString().endsWith(".claim");
    String claimId = spool.claimFiles().get(0).replace(".claim", "");
    boolean committed = point == CrashPoint.AFTER_COMMIT || point == CrashPoint.MID_ACKNOWLEDGE;
    long rows = target.withTable(TableCheck::rows).orElse(0L);
    assertThat(rows).as("rows after a crash at %s", point).isEqualTo(committed ? 1200 : 0);
    String lastRun = target.withTable(table -> TableCheck.lastRun(table, spool.sourceKey())).orElse(null);
    assertThat(lastRun).as("the table's record of the source's last run").isEqualTo(committed ? claimId : null);
    assertThat(spool.done()).as("files acknowledged before the crash").hasSize(point == CrashPoint.MID_ACKNOWLEDGE ? 2 : 0);
    if (point == CrashPoint.BEFORE_COMMIT) {
      assertThat(dataFiles(warehouse)).as("data files uploaded before the crash").isNotEmpty();
    }

    EventBook.Drop later = book.next(300);
    spool.drop(later);
    dropped.add(later.name());
    FloeProcess next = launcher.start("ingest", "--json", "--spool", spool.dir().toString());

    assertThat(next.await()).as(next.describe()).isZero();
    JsonNode summary = next.json();
    assertThat(summary.get("claims_acknowledged").asInt()).isEqualTo(committed ? 1 : 0);
    assertThat(summary.get("claims_released").asInt()).isEqualTo(committed ? 0 : 1);
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(committed ? 1 : 4);
    assertThat(summary.get("batches_skipped").asInt()).isZero();
    ExactlyOnce.assertAll(target, List.of(book), Map.of(spool, dropped));
  }

  private static List<Path> dataFiles(Path warehouse) throws IOException {
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }
}
