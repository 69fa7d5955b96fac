package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files just dropped into a spool wait for {@code source.settle-time}: the run that takes none of
 * them says how many wait and from when the oldest is taken, instead of looking as if it ignored them.
 */
class SettleTimeTest {
  @TempDir Path dir;
  private CronFixture cron;
  /** When the oldest of the dropped files was last modified. */
  private Instant oldest;
  private Instant now;

  @BeforeEach
  void setUp() throws IOException {
    cron = new CronFixture(dir);
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    oldest = now.minus(Duration.ofMinutes(3));
    for (int i = 0; i < 50; i++) {
      Path file = cron.drop("batch-" + i + ".ndjson", CronFixture.events("do-" + i, 1, 2));
      Files.setLastModifiedTime(file, FileTime.from(i == 17 ? oldest : now.minusSeconds(i)));
    }
  }

  @Test
  void theJsonSummaryCountsTheBatchesWaitingAndWhenTheOldestIsTaken() {
    CliRunner.Result result = cron.ingestSpool("-D", "source.settle-time=1h");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode summary = CronFixture.json(result);
    assertThat(summary.get("committed").asBoolean()).isFalse();
    assertThat(summary.get("batches_offered").asInt()).isZero();
    assertThat(summary.get("batches_waiting").asInt()).isEqualTo(50);
    assertThat(summary.get("oldest_waiting_since").asText()).isEqualTo(oldest.toString());
    assertThat(summary.get("oldest_waiting_until").asText()).isEqualTo(oldest.plus(Duration.ofHours(1)).toString());
    assertThat(cron.files("")).hasSize(50);
  }

  @Test
  void theTextSummaryOfARunThatTookNothingSaysTheBatchesWait() {
    CliRunner.Result result = cron.ingest("-D", "source.settle-time=1h", "--spool", cron.spool.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("Nothing new to commit: 0 batches offered, 0 already in");
    assertThat(result.out()).contains("  waiting  50 batches for source.settle-time (1h): the oldest, modified " + oldest
        + ", is taken from " + oldest.plus(Duration.ofHours(1)) + "\n");
  }

  @Test
  void aRunThatTakesSomeAndLeavesTheRestSaysWhatItLeft() {
    // Settled after 2m: only the oldest file (3 min); the others are at most 49 s old.
    CliRunner.Result result = cron.ingestSpool("-D", "source.settle-time=2m");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode summary = CronFixture.json(result);
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(1);
    assertThat(summary.get("batches_waiting").asInt()).isEqualTo(49);
    Instant oldestLeft = now.minusSeconds(49);
    assertThat(summary.get("oldest_waiting_since").asText()).isEqualTo(oldestLeft.toString());
    assertThat(summary.get("oldest_waiting_until").asText()).isEqualTo(oldestLeft.plus(Duration.ofMinutes(2)).toString());
  }

  @Test
  void nothingWaitsOnceEveryFileHasSettled() {
    CliRunner.Result result = cron.ingestSpool();

    JsonNode summary = CronFixture.json(result);
    assertThat(summary.get("batches_committed").asInt()).isEqualTo(50);
    assertThat(summary.get("batches_waiting").asInt()).isZero();
    assertThat(summary.get("oldest_waiting_since").isNull()).isTrue();
    assertThat(summary.get("oldest_waiting_until").isNull()).isTrue();
  }
}
