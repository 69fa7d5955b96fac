package dev.floe.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.Batch;
import dev.floe.core.RunLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files modified within the settle time are left for a later run, and counted as waiting. */
class SpoolSourceSettleTimeTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration SETTLE = Duration.ofSeconds(10);

  @TempDir Path spool;

  private Path drop(String name, Duration age) throws IOException {
    Path file = Files.writeString(spool.resolve(name), "{}\n");
    Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
    return file;
  }

  private SpoolSource source() {
    return new SpoolSource(spool, SETTLE, RunLimits.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void filesYoungerThanTheSettleTimeAreCountedAsWaitingWithTheOldestOfThem() throws IOException {
    Path settled = drop("settled.ndjson", Duration.ofSeconds(30));
    drop("young.ndjson", Duration.ofSeconds(7));
    drop("younger.ndjson", Duration.ofSeconds(2));
    drop("just-now.ndjson", Duration.ZERO);
    // Not finished, so not waiting for the settle time either: a producer is still writing them.
    drop("upload.ndjson.tmp", Duration.ofSeconds(1));
    drop(".hidden.ndjson", Duration.ofSeconds(1));

    try (SpoolSource source = source()) {
      source.lock();
      assertThat(source.pending()).extracting(Batch::source).containsExactly(settled.toString());

      Source.Unsettled unsettled = source.unsettled();
      assertThat(unsettled.batches()).isEqualTo(3);
      assertThat(unsettled.oldestModified()).contains(NOW.minusSeconds(7));
      assertThat(unsettled.since()).contains(NOW.minusSeconds(7));
      assertThat(unsettled.until()).contains(NOW.plusSeconds(3));
      assertThat(unsettled.settleTime()).isEqualTo(SETTLE);
    }
  }

  @Test
  void theWaitIsReportedToTheMillisecondNeverLaterThanTheFileWasModifiedNorEarlierThanItSettles() {
    Source.Unsettled unsettled = Source.Unsettled.of(
        List.of(Instant.parse("2026-03-01T12:00:05Z"), Instant.parse("2026-03-01T12:00:00.123456789Z")), SETTLE);

    assertThat(unsettled.batches()).isEqualTo(2);
    assertThat(unsettled.oldestModified()).contains(Instant.parse("2026-03-01T12:00:00.123456789Z"));
    assertThat(unsettled.since()).contains(Instant.parse("2026-03-01T12:00:00.123Z"));
    assertThat(unsettled.until()).contains(Instant.parse("2026-03-01T12:00:10.124Z"));
  }

  @Test
  void aFileThatVanishesBetweenTheListingAndItsAttributesIsPassedOver() throws IOException {
    // A producer renames its temp file into place, or another run moves a finished file away,
    // after the directory was listed: a link to nowhere stands for both here, deterministically.
    Path settled = drop("settled.ndjson", Duration.ofSeconds(30));
    Files.createSymbolicLink(spool.resolve(".spool-0009.ndjson.gz.tmp"), spool.resolve("renamed-away"));
    Files.createSymbolicLink(spool.resolve("moved.ndjson"), spool.resolve("moved-away"));

    try (SpoolSource source = source()) {
      source.lock();
      assertThat(source.pending()).extracting(Batch::source).containsExactly(settled.toString());
      assertThat(source.unsettled().batches()).isZero();
    }
  }

  @Test
  void nothingWaitsWhenEveryFinishedFileHasSettled() throws IOException {
    drop("a.ndjson", Duration.ofSeconds(11));
    drop("b.ndjson", Duration.ofMinutes(5));

    try (SpoolSource source = source()) {
      source.lock();
      assertThat(source.pending()).hasSize(2);
      assertThat(source.unsettled().batches()).isZero();
      assertThat(source.unsettled().oldestModified()).isEqualTo(Optional.empty());
      assertThat(source.unsettled().since()).isEmpty();
      assertThat(source.unsettled().until()).isEmpty();
    }
  }
}
