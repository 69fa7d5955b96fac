package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.IngestProgress;
import dev.floe.core.maintenance.MaintenanceProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
  private static final long MB = 1L << 20;

  @TempDir Path dir;
  private final StringWriter err = new StringWriter();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private Progress progress(boolean terminal, boolean json) {
    return Progress.on(terminal, json, new PrintWriter(err), nanos::get);
  }

  private void after(Duration elapsed) {
    nanos.addAndGet(elapsed.toNanos());
  }

  @Test
  void aLineSaysBytesOfTheTotalEventsRateAndTimeLeft() {
    IngestProgress progress = new IngestProgress(0, 1, 368_512, 412 * MB, OptionalLong.of(1100 * MB));

    assertThat(Progress.line(progress, Duration.ofSeconds(2)))
        .isEqualTo("  412.0 MB of 1.1 GB (37%), 368,512 events, 184,256 events/s, 0:03 left, 0/1 batches");
  }

  @Test
  void withoutATotalALineSaysBytesReadAndNoTimeLeft() {
    IngestProgress progress = new IngestProgress(3, 50, 1_000, 5 * MB, OptionalLong.empty());

    assertThat(Progress.line(progress, Duration.ofSeconds(4)))
        .isEqualTo("  5.0 MB read, 1,000 events, 250 events/s, 3/50 batches");
  }

  @Test
  void atTheStartThereIsNoRateAndOnceAllIsReadNoTimeLeft() {
    assertThat(Progress.line(new IngestProgress(0, 2, 0, 0, OptionalLong.of(2 * MB)), Duration.ZERO))
        .isEqualTo("  0 B of 2.0 MB (0%), 0 events, 0/2 batches");
    assertThat(Progress.line(new IngestProgress(2, 2, 9_000, 2 * MB, OptionalLong.of(2 * MB)), Duration.ofSeconds(3)))
        .isEqualTo("  2.0 MB of 2.0 MB (100%), 9,000 events, 3,000 events/s, all read, writing and committing, 2/2 batches");
    assertThat(Progress.line(new IngestProgress(0, 0, 0, 0, OptionalLong.of(0)), Duration.ZERO))
        .isEqualTo("  0 B of 0 B, 0 events, all read, writing and committing, 0/0 batches");
  }

  @Test
  void timeLeftCountsHoursWhenThereAreAny() {
    assertThat(Progress.clock(Duration.ofSeconds(59))).isEqualTo("0:59");
    assertThat(Progress.clock(Duration.ofSeconds(61 * 60 + 5))).isEqualTo("1:01:05");
    IngestProgress slow = new IngestProgress(0, 1, 10, MB, OptionalLong.of(3601 * MB));
    assertThat(Progress.line(slow, Duration.ofSeconds(1))).contains(", 1:00:00 left,");
  }

  @Test
  void redrawsOneLineInPlaceAtMostEveryRedrawIntervalAndBlanksItAtTheEnd() {
    try (Progress progress = progress(true, false)) {
      progress.update(new IngestProgress(0, 1, 0, 0, OptionalLong.of(10 * MB)));
      after(Duration.ofMillis(100));
      progress.update(new IngestProgress(0, 1, 50_000, 2 * MB, OptionalLong.of(10 * MB)));
      assertThat(err.toString()).isEqualTo("\r  0 B of 10.0 MB (0%), 0 events, 0/1 batches\r");

      after(Progress.REDRAW);
      progress.update(new IngestProgress(0, 1, 100_000, 5 * MB, OptionalLong.of(10 * MB)));
      after(Duration.ofMillis(1));
      progress.update(new IngestProgress(1, 1, 200_000, 10 * MB, OptionalLong.of(10 * MB)));
    }

    String last = "  10.0 MB of 10.0 MB (100%), 200,000 events, all read, writing and committing, 1/1 batches";
    assertThat(err.toString()).isEqualTo(
        "\r  0 B of 10.0 MB (0%), 0 events, 0/1 batches\r"
            + "\r  5.0 MB of 10.0 MB (50%), 100,000 events, 0/1 batches\r"
            // The last batch read is always drawn, however soon after the one before.
            + "\r" + last + "\r"
            // Closing blanks the line, leaving the cursor at its start for the summary.
            + " ".repeat(last.length()) + "\r");
  }

  @Test
  void aShorterLineCoversTheLongerOneBeforeIt() {
    try (Progress progress = progress(true, false)) {
      progress.update(new IngestProgress(0, 9, 0, 0, OptionalLong.empty()));
      after(Duration.ofSeconds(1));
      progress.update(new IngestProgress(1, 9, 1_234_567, 100 * MB, OptionalLong.empty()));
      after(Duration.ofSeconds(99));
      progress.update(new IngestProgress(2, 9, 1_234_568, 100 * MB, OptionalLong.empty()));
    }

    String longer = "  100.0 MB read, 1,234,567 events, 1,234,567 events/s, 1/9 batches";
    String shorter = "  100.0 MB read, 1,234,568 events, 12,346 events/s, 2/9 batches";
    assertThat(err.toString()).isEqualTo(
        "\r  0 B read, 0 events, 0/9 batches\r"
            + "\r" + longer + "\r"
            + "\r" + shorter + " ".repeat(longer.length() - shorter.length()) + "\r"
            + " ".repeat(shorter.length()) + "\r");
  }

  @Test
  void drawsNothingOffATerminalOrForJson() {
    for (boolean[] where : new boolean[][] {{false, false}, {false, true}, {true, true}}) {
      try (Progress progress = progress(where[0], where[1])) {
        progress.update(new IngestProgress(0, 1, 0, 0, OptionalLong.of(MB)));
        after(Duration.ofSeconds(1));
        progress.update(new IngestProgress(1, 1, 10, MB, OptionalLong.of(MB)));
      }
      assertThat(err.toString()).as("terminal %s, json %s", where[0], where[1]).isEmpty();
    }
  }

  @Test
  void theCommandDrawsOnATerminalOnlyAndNeverIntoJson() {
    Path input = dir.resolve("events.ndjson.gz");
    CliRunner cron = new CliRunner(Map.of());
    CliRunner terminal = new CliRunner(Map.of(), true);
    assertThat(cron.run("generate", "--count", "500", "--seed", "3", "-o", input.toString()).exitCode()).isZero();

    CliRunner.Result piped = cron.run(ingest("piped", input));
    CliRunner.Result json = terminal.run(ingest("json", input, "--json"));
    CliRunner.Result watched = terminal.run(ingest("watched", input));

    assertThat(piped.exitCode()).as(piped.err()).isZero();
    assertThat(piped.out()).startsWith("Committed snapshot");
    assertThat(piped.err()).isEmpty();
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"events_read\":500");
    assertThat(json.err()).isEmpty();
    assertThat(watched.exitCode()).as(watched.err()).isZero();
    assertThat(watched.err()).startsWith("\r  0 B of ").contains(", 500 events, ", ", 1/1 batches\r").endsWith("  \r").doesNotContain("\n");
    assertThat(watched.out()).startsWith("Committed snapshot").doesNotContain("\r");
  }

  @Test
  void aMaintenanceLineSaysTheStepAndForCompactionGroupsBytesAndTimeLeft() {
    long gb = 1024 * MB;
    assertThat(Progress.line(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 1, 4, 256 * MB, gb), Duration.ofSeconds(10)))
        .isEqualTo("  compaction: 1/4 groups, 256.0 MB of 1.0 GB (25%), 0:30 left");
    assertThat(Progress.line(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 0, 4, 0, gb), Duration.ZERO))
        .isEqualTo("  compaction: 0/4 groups, 0 B of 1.0 GB (0%)");
    assertThat(Progress.line(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 4, 4, gb, gb), Duration.ofSeconds(40)))
        .isEqualTo("  compaction: 4/4 groups, 1.0 GB of 1.0 GB (100%), done");
    assertThat(Progress.line(new MaintenanceProgress(MaintenanceProgress.ORPHANS, 0, 1, 0, 0), Duration.ofSeconds(4)))
        .isEqualTo("  orphan files, 0:04");
    assertThat(Progress.line(new MaintenanceProgress(MaintenanceProgress.ORPHANS, 1, 1, 0, 0), Duration.ofSeconds(75)))
        .isEqualTo("  orphan files, 1:15, done");
  }

  @Test
  void aNewMaintenanceStepIsDrawnAtOnceAndTimedFromItsOwnStart() {
    try (Progress progress = progress(true, false)) {
      progress.update(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 0, 2, 0, 2 * MB));
      after(Duration.ofMillis(10));
      progress.update(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 1, 2, MB, 2 * MB));
      after(Duration.ofSeconds(2));
      progress.update(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 2, 2, 2 * MB, 2 * MB));
      after(Duration.ofMillis(10));
      progress.update(new MaintenanceProgress(MaintenanceProgress.EXPIRY, 0, 1, 0, 0));
    }

    String last = "  snapshot expiry, 0:00";
    assertThat(err.toString()).isEqualTo(
        "\r  compaction: 0/2 groups, 0 B of 2.0 MB (0%)\r"
            // 1/2 came too soon after the first draw; the step's end and a new step never are.
            + "\r  compaction: 2/2 groups, 2.0 MB of 2.0 MB (100%), done\r"
            + "\r" + last + " ".repeat("  compaction: 2/2 groups, 2.0 MB of 2.0 MB (100%), done".length() - last.length()) + "\r"
            + " ".repeat(last.length()) + "\r");
  }

  @Test
  void maintainDrawsOnATerminalOnlyAndEndsTheLineBeforeItsOutcome() {
    Path input = dir.resolve("events.ndjson.gz");
    String[] where = {"--warehouse", dir.resolve("wh").toString()};
    CliRunner cron = new CliRunner(Map.of());
    CliRunner terminal = new CliRunner(Map.of(), true);
    assertThat(cron.run("generate", "--count", "200", "--seed", "5", "-o", input.toString()).exitCode()).isZero();
    assertThat(cron.run(concat(new String[] {"ingest", "-D", "dead-letter.dir=" + dir.resolve("dead"), input.toString()}, where)).exitCode()).isZero();

    CliRunner.Result piped = cron.run(concat(new String[] {"maintain", "all", "--dry-run"}, where));
    CliRunner.Result json = terminal.run(concat(new String[] {"maintain", "all", "--dry-run", "--json"}, where));
    CliRunner.Result watched = terminal.run(concat(new String[] {"maintain", "all"}, where));

    assertThat(piped.exitCode()).as(piped.err()).isZero();
    assertThat(piped.err()).isEmpty();
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.err()).isEmpty();
    assertThat(watched.exitCode()).as(watched.err()).isZero();
    assertThat(watched.err())
        .startsWith("\r  compaction plan, 0:0")
        .contains("\r  manifests, ", "\r  snapshot expiry, ", "\r  orphan files, ")
        .endsWith("  \r")
        .doesNotContain("\n");
    assertThat(watched.out()).startsWith("Maintained ");
  }

  /** An ingest of {@code input} into a warehouse of its own, so each run has something to commit. */
  private String[] ingest(String name, Path input, String... flags) {
    String[] where = {"ingest", "--warehouse", dir.resolve(name).toString(), "-D", "dead-letter.dir=" + dir.resolve(name + "-dead"), input.toString()};
    return concat(where, flags);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
