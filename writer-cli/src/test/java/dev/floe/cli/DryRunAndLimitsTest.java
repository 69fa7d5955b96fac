package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --dry-run, the run limits that leave work for the next run, and standard input. */
class DryRunAndLimitsTest {
  @TempDir Path dir;
  private CronFixture cron;

  @BeforeEach
  void setUp() {
    cron = new CronFixture(dir);
  }

  @Test
  void aDryRunReportsTheCountsAndWritesCommitsAndMovesNothing() {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 10));
    List<String> withReject = new ArrayList<>(CronFixture.events("do-2", 1, 4));
    withReject.add("not json");
    withReject.add(CronFixture.event("_internal", 1).replace("\"op\":\"PUT\"", "\"op\":\"_internal\""));
    cron.drop("b.ndjson", withReject);

    CliRunner.Result result = cron.ingestSpool("--dry-run", "--filter", "op != '_internal'");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode summary = CronFixture.json(result);
    assertThat(summary.get("dry_run").asBoolean()).isTrue();
    assertThat(summary.get("committed").asBoolean()).isFalse();
    assertThat(summary.get("snapshot_id").isNull()).isTrue();
    assertThat(summary.get("batches_offered").asInt()).isEqualTo(2);
    assertThat(summary.get("batches_committed").asInt()).isZero();
    assertThat(summary.get("events_read").asLong()).isEqualTo(16);
    assertThat(summary.get("events_written").asLong()).as("events that would be written").isEqualTo(14);
    assertThat(summary.get("events_rejected").asLong()).isEqualTo(1);
    assertThat(summary.get("events_filtered").asLong()).isEqualTo(1);
    assertThat(summary.get("data_files").asInt()).isZero();
    assertThat(summary.get("dead_letters")).isEmpty();

    assertThat(cron.files("")).containsExactly("a.ndjson", "b.ndjson");
    assertThat(cron.files("done")).isEmpty();
    assertThat(cron.files(".floe/claims")).isEmpty();
    assertThat(cron.deadLetterFiles()).isEmpty();
    assertThat(cron.tableExists()).as("a dry run creates no table").isFalse();
  }

  @Test
  void aDryRunSaysWhatItWouldCommitInText() {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 10));

    CliRunner.Result result = cron.ingest("--dry-run", "--spool", cron.spool.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo(
        "Dry run on floe.cron.events: would commit 1 batches: 10 events of 10 read (0 rejected, 0 filtered); nothing was written\n");
    assertThat(cron.files("")).containsExactly("a.ndjson");
  }

  @Test
  void maxEventsStopsTakingBatchesAndTheNextRunTakesTheRest() throws Exception {
    // Oldest first: the spool orders by modification time.
    Path a = cron.drop("a.ndjson", CronFixture.events("do-a", 1, 100));
    Path b = cron.drop("b.ndjson", CronFixture.events("do-b", 1, 100));
    Path c = cron.drop("c.ndjson", CronFixture.events("do-c", 1, 100));
    age(a, 30);
    age(b, 20);
    age(c, 10);

    CliRunner.Result first = cron.ingestSpool("--max-events", "150");

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode summary = CronFixture.json(first);
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(2);
    assertThat(summary.get("batches_deferred").asInt()).isEqualTo(1);
    assertThat(summary.get("events_written").asLong()).isEqualTo(200);
    assertThat(cron.files("done")).containsExactly("a.ndjson", "b.ndjson");
    assertThat(cron.files("")).containsExactly("c.ndjson");
    assertThat(cron.files(".floe/claims")).isEmpty();

    CliRunner.Result second = cron.ingestSpool("--max-events", "150");

    assertThat(CronFixture.json(second).get("batches_committed").asInt()).isEqualTo(1);
    assertThat(cron.files("done")).containsExactly("a.ndjson", "b.ndjson", "c.ndjson");
    assertThat(cron.rows()).hasSize(300).doesNotHaveDuplicates();
  }

  @Test
  void maxBytesOffersOnlyWhatFitsAndAlwaysAtLeastOneFile() throws Exception {
    Path a = cron.drop("a.ndjson", CronFixture.events("do-a", 1, 100));
    Path b = cron.drop("b.ndjson", CronFixture.events("do-b", 1, 100));
    Path c = cron.drop("c.ndjson", CronFixture.events("do-c", 1, 100));
    age(a, 30);
    age(b, 20);
    age(c, 10);
    long twoFiles = Files.size(a) + Files.size(b);

    CliRunner.Result first = cron.ingestSpool("--max-bytes", twoFiles + "B");
    CliRunner.Result second = cron.ingestSpool("--max-bytes", "1B");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(CronFixture.json(first).get("batches_offered").asInt()).isEqualTo(2);
    assertThat(CronFixture.json(first).get("batches_committed").asInt()).isEqualTo(2);
    assertThat(CronFixture.json(second).get("batches_committed").asInt()).as("a file larger than the limit still goes").isEqualTo(1);
    assertThat(cron.files("")).isEmpty();
    assertThat(cron.rows()).hasSize(300).doesNotHaveDuplicates();
  }

  @Test
  void maxBytesDefersTheFilesNamedOnTheCommandLineBeyondItAndTheNextRunTakesThem() throws Exception {
    // Outside the spool: files named on the command line stay where they are, deferred or not.
    Path a = cron.drop("../a.ndjson", CronFixture.events("do-a", 1, 100));
    Path b = cron.drop("../b.ndjson", CronFixture.events("do-b", 1, 100));
    Path c = cron.drop("../c.ndjson", CronFixture.events("do-c", 1, 100));
    String twoFiles = (Files.size(a) + Files.size(b)) + "B";

    CliRunner.Result first = cron.ingest("--json", "--max-bytes", twoFiles, a.toString(), b.toString(), c.toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode summary = CronFixture.json(first);
    assertThat(summary.get("batches_offered").asInt()).isEqualTo(3);
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(2);
    assertThat(summary.get("batches_deferred").asInt()).isEqualTo(1);
    assertThat(summary.get("events_written").asLong()).isEqualTo(200);
    assertThat(cron.rows()).hasSize(200);

    // The same limit through the config key, and in the text summary.
    CliRunner.Result second =
        cron.ingest("-D", "ingest.max-bytes=" + twoFiles, a.toString(), b.toString(), c.toString());

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("  batches  1 committed, 2 already in the table, 0 deferred, 0 failed\n");
    assertThat(cron.rows()).hasSize(300).doesNotHaveDuplicates();
  }

  @Test
  void maxBytesAlwaysTakesTheFirstFileAndStandardInputWhole() {
    Path a = cron.drop("../a.ndjson", CronFixture.events("do-a", 1, 100));
    Path b = cron.drop("../b.ndjson", CronFixture.events("do-b", 1, 100));
    String input = String.join("\n", CronFixture.events("do-s", 1, 7)) + "\n";

    CliRunner.Result files = cron.ingest("--json", "--max-bytes", "1B", a.toString(), b.toString());
    CliRunner.Result stdin = withStdin(input, () -> cron.ingest("--json", "--max-bytes", "1B", "-"));

    assertThat(files.exitCode()).as(files.err()).isZero();
    assertThat(CronFixture.json(files).get("batches_committed").asInt()).as("a file larger than the limit still goes").isEqualTo(1);
    assertThat(CronFixture.json(files).get("batches_deferred").asInt()).isEqualTo(1);
    // Standard input is one batch, the first: the limit never defers it, and a batch is never split.
    assertThat(stdin.exitCode()).as(stdin.err()).isZero();
    assertThat(CronFixture.json(stdin).get("batches_committed").asInt()).isEqualTo(1);
    assertThat(CronFixture.json(stdin).get("events_written").asLong()).isEqualTo(7);
    assertThat(cron.rows()).hasSize(107);
  }

  @Test
  void standardInputIsOneBatchAndTheSameBytesPipedTwiceCommitOnce() {
    String input = String.join("\n", CronFixture.events("do-s", 1, 7)) + "\nbroken\n";

    CliRunner.Result first = withStdin(input, () -> cron.ingest("--json", "-"));
    CliRunner.Result again = withStdin(input, () -> cron.ingest("--json", "-"));
    CliRunner.Result empty = withStdin("", () -> cron.ingest("--json", "-"));

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode summary = CronFixture.json(first);
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(1);
    assertThat(summary.get("events_written").asLong()).isEqualTo(7);
    assertThat(summary.get("events_rejected").asLong()).isEqualTo(1);
    assertThat(summary.get("dead_letters")).singleElement().satisfies(location -> assertThat(location.asText()).contains("stdin"));
    assertThat(again.exitCode()).isZero();
    assertThat(CronFixture.json(again).get("batches_skipped").asInt()).isEqualTo(1);
    assertThat(empty.exitCode()).as(empty.err()).isZero();
    assertThat(CronFixture.json(empty).get("batches_offered").asInt()).isZero();
    assertThat(cron.rows()).hasSize(7);
  }

  private static void age(Path file, int secondsAgo) throws Exception {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(secondsAgo)));
  }

  /** The CLI reads System.in as main would; swapped for the call and restored. */
  private static CliRunner.Result withStdin(String input, java.util.function.Supplier<CliRunner.Result> run) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return run.get();
    } finally {
      System.setIn(original);
    }
  }
}
