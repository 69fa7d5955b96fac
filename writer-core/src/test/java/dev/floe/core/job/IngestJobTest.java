package dev.floe.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestConfig;
import dev.floe.core.IngestOptions;
import dev.floe.core.RunLimits;
import dev.floe.core.TestTables;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.commit.Committer;
import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import dev.floe.core.internal.DrillHook;
import dev.floe.core.internal.DrillHooks;
import dev.floe.core.source.SourceBusyException;
import dev.floe.core.source.SpoolSource;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-03T00:00:00Z");

  @TempDir Path dir;
  private Path spool;
  private FloeWriter writer;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    spool = Files.createDirectories(dir.resolve("spool"));
    IngestConfig config = IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"));
    writer = FloeWriter.builder(TestTables.catalog(dir.resolve("wh"))).config(config).build();
  }

  private SpoolSource spool() {
    return new SpoolSource(spool, Duration.ofSeconds(10), RunLimits.defaults(), clock);
  }

  private Path drop(String name, int firstSeq, int count, Instant modified) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int seq = firstSeq; seq < firstSeq + count; seq++) {
      lines.add(TestTables.ndjson("do-" + name, seq, T));
    }
    Path file = Files.write(spool.resolve(name), lines);
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  private Set<String> tableKeys() {
    Set<String> keys = new HashSet<>();
    List<Record> rows = TestTables.rows(writer.table());
    rows.forEach(r -> assertThat(keys.add(r.getField("do_id") + "/" + r.getField("seq"))).as("duplicate").isTrue());
    return keys;
  }

  private List<String> names(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  @Test
  void anInstalledDrillHookSeesEveryWindowOfARunInOrderAndAcknowledgesForIt() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    drop("b.ndjson", 1, 3, NOW.minusSeconds(50));
    drop("c.ndjson", 1, 3, NOW.minusSeconds(40));
    List<String> seen = new ArrayList<>();
    DrillHook recording = new DrillHook() {
      @Override
      public void afterClaim() {
        seen.add("after-claim, claims " + names(spool.resolve(".floe").resolve("claims")).size());
      }

      @Override
      public void beforeCommit() {
        seen.add("before-commit, rows " + tableKeys().size());
      }

      @Override
      public void afterCommit() {
        seen.add("after-commit, rows " + tableKeys().size());
      }

      @Override
      public void acknowledge(List<String> batches, java.util.function.Consumer<List<String>> acknowledge) {
        // What the drill at mid-acknowledge does: the first batch only, then it halts.
        seen.add("acknowledge " + batches.size());
        acknowledge.accept(batches.subList(0, 1));
        seen.add("done " + names(spool.resolve("done")));
        acknowledge.accept(batches.subList(1, batches.size()));
      }

      private List<String> names(Path folder) {
        try {
          return IngestJobTest.this.names(folder);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };

    DrillHooks.install(recording);
    try (SpoolSource source = spool()) {
      new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    } finally {
      DrillHooks.install(DrillHook.NONE);
    }

    assertThat(seen).containsExactly(
        "after-claim, claims 1", "before-commit, rows 0", "after-commit, rows 9", "acknowledge 3", "done [a.ndjson]");
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson", "b.ndjson", "c.ndjson");
    assertThat(names(spool.resolve(".floe").resolve("claims"))).isEmpty();
  }

  @Test
  void takesFinishedFilesAndMovesThemToDoneAfterTheCommit() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    drop("b.ndjson.tmp", 1, 3, NOW.minusSeconds(60));
    drop(".c.ndjson", 1, 3, NOW.minusSeconds(60));
    drop("d.ndjson", 1, 3, NOW.minusSeconds(2)); // still being written

    IngestJob.JobResult result;
    try (SpoolSource source = spool()) {
      result = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }

    assertThat(result.ingest().batchesCommitted()).isEqualTo(1);
    assertThat(tableKeys()).containsExactlyInAnyOrder("do-a.ndjson/1", "do-a.ndjson/2", "do-a.ndjson/3");
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson");
    assertThat(names(spool)).containsExactly("b.ndjson.tmp", "d.ndjson", "done");
    assertThat(names(spool.resolve(".floe").resolve("claims"))).isEmpty();
  }

  @Test
  void aRunThatDiedAfterItsCommitIsAcknowledgedNotIngestedAgain() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    drop("b.ndjson", 1, 3, NOW.minusSeconds(60));
    SpoolSource dying = spy(spool());
    doThrow(new IllegalStateException("killed")).when(dying).acknowledge(anyList());
    assertThatThrownBy(() -> new IngestJob(writer, clock).run(dying, IngestOptions.defaults()))
        .hasMessage("killed");
    dying.close();
    assertThat(names(spool)).contains("a.ndjson", "b.ndjson");
    long snapshots = writer.table().currentSnapshot().sequenceNumber();

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }

    assertThat(next.claimsAcknowledged()).isEqualTo(1);
    assertThat(next.ingest().committed()).isFalse();
    assertThat(writer.table().currentSnapshot().sequenceNumber()).isEqualTo(snapshots);
    assertThat(tableKeys()).hasSize(6);
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson", "b.ndjson");
  }

  @Test
  void aRunWithALimitThatDiedAfterItsCommitLeavesItsDeferredBatchesForTheNextRun() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    drop("b.ndjson", 1, 3, NOW.minusSeconds(50));
    drop("c.ndjson", 1, 3, NOW.minusSeconds(40));
    FloeWriter limited = FloeWriter.builder(TestTables.catalog(dir.resolve("wh")))
        .config(writer.config().withRunLimits(new RunLimits(3, RunLimits.DEFAULT_MAX_BYTES, Duration.ZERO, 1.0)))
        .build();
    SpoolSource dying = spy(spool());
    doThrow(new IllegalStateException("killed")).when(dying).acknowledge(anyList());
    assertThatThrownBy(() -> new IngestJob(limited, clock).run(dying, IngestOptions.defaults())).hasMessage("killed");
    dying.close();
    assertThat(tableKeys()).containsExactlyInAnyOrder("do-a.ndjson/1", "do-a.ndjson/2", "do-a.ndjson/3");

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }

    assertThat(next.claimsAcknowledged()).isEqualTo(1);
    assertThat(next.ingest().batchesCommitted()).as("the deferred batches, taken again").isEqualTo(2);
    assertThat(tableKeys()).hasSize(9);
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson", "b.ndjson", "c.ndjson");
    assertThat(names(spool.resolve(".floe").resolve("claims"))).isEmpty();
  }

  @Test
  void anUnreadableBatchOfARunThatDiedAfterItsCommitStillMovesToFailed() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    Path b = drop("b.ndjson", 1, 3, NOW.minusSeconds(50));
    SpoolSource dying = spy(spool());
    unreadableSecond(dying, b);
    doThrow(new IllegalStateException("killed")).when(dying).acknowledge(anyList());
    assertThatThrownBy(() -> new IngestJob(writer, clock).run(dying, IngestOptions.defaults())).hasMessage("killed");
    dying.close();

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }

    assertThat(next.claimsAcknowledged()).isEqualTo(1);
    assertThat(next.ingest().batchesOffered()).isZero();
    assertThat(tableKeys()).containsExactlyInAnyOrder("do-a.ndjson/1", "do-a.ndjson/2", "do-a.ndjson/3");
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson");
    assertThat(names(spool.resolve("failed"))).containsExactly("b.ndjson", "b.ndjson.reason.txt");
    assertThat(Files.readString(spool.resolve("failed").resolve("b.ndjson.reason.txt")))
        .startsWith("Cannot open " + b + ": java.nio.file.AccessDeniedException");
  }

  @Test
  void aRunThatDiedBetweenRecordingItsOutcomeAndCommittingIsTakenAgainWhole() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    Path b = drop("b.ndjson", 1, 3, NOW.minusSeconds(50));
    drop("c.ndjson", 1, 3, NOW.minusSeconds(40));
    FloeWriter failing = FloeWriter.builder(TestTables.catalog(dir.resolve("wh")))
        .config(writer.config().withRunLimits(new RunLimits(3, RunLimits.DEFAULT_MAX_BYTES, Duration.ZERO, 1.0)))
        .committer(refusing())
        .build();
    SpoolSource dying = spy(spool());
    unreadableFirst(dying, drop("0.ndjson", 1, 3, NOW.minusSeconds(70)));
    doThrow(new IllegalStateException("killed")).when(dying).releaseClaim(anyString());
    assertThatThrownBy(() -> new IngestJob(failing, clock).run(dying, IngestOptions.defaults())).hasMessage("killed");
    dying.close();
    assertThat(writer.table().currentSnapshot()).isNull();

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }

    // As after any definite failure: nothing of the claim is acknowledged or set aside, and the
    // batch that could not be opened gets another try (readable now).
    assertThat(next.claimsReleased()).isEqualTo(1);
    assertThat(tableKeys()).hasSize(12);
    assertThat(names(spool.resolve("done"))).containsExactly("0.ndjson", "a.ndjson", "b.ndjson", "c.ndjson");
    assertThat(names(spool.resolve("failed"))).isEmpty();
    assertThat(b).doesNotExist();
  }

  /** A committer whose every commit the catalog refuses: a definite failure, nothing lands. */
  private static Committer refusing() {
    Committer committer = spy(new Committer(CommitOptions.defaults()));
    doThrow(new CommitFailedException("refused")).when(committer)
        .commit(any(), anyList(), anyString(), anyCollection(), anyMap(), anyMap());
    return committer;
  }

  /** The source's second pending batch fails to open, as a file the run may not read. */
  private static void unreadableSecond(SpoolSource source, Path file) {
    unreadableAt(source, 1, file);
  }

  private static void unreadableFirst(SpoolSource source, Path file) {
    unreadableAt(source, 0, file);
  }

  private static void unreadableAt(SpoolSource source, int index, Path file) {
    doAnswer(call -> {
      List<Batch> real = new ArrayList<>(((List<?>) call.callRealMethod()).stream().map(Batch.class::cast).toList());
      real.set(index, Batch.of(real.get(index).id(), file.toString(), () -> { throw new AccessDeniedException(file.toString()); }));
      return real;
    }).when(source).pending();
  }

  @Test
  void aClaimThatNeverCommittedIsReleasedAndItsBatchesTakenAgain() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    try (SpoolSource source = spool()) {
      source.lock();
      source.claim("dead-run", source.pending()); // a run that died while writing
    }

    IngestJob.JobResult next;
    try (SpoolSource source = spool()) {
      next = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }

    assertThat(next.claimsReleased()).isEqualTo(1);
    assertThat(next.ingest().batchesCommitted()).isEqualTo(1);
    assertThat(tableKeys()).hasSize(3);
  }

  @Test
  void aSecondRunOnTheSameSpoolIsTurnedAway() {
    try (SpoolSource first = spool(); SpoolSource second = spool()) {
      first.lock();
      assertThatThrownBy(second::lock)
          .isInstanceOf(SourceBusyException.class)
          .hasMessageStartingWith("Cannot lock " + spool.resolve(".floe").resolve("lock").toAbsolutePath());
    }
  }

  @Test
  void aBatchThatCannotBeOpenedMovesToFailedWithItsReason() throws IOException {
    drop("a.ndjson", 1, 3, NOW.minusSeconds(60));
    Path b = drop("b.ndjson", 1, 3, NOW.minusSeconds(50));
    SpoolSource source = spy(spool());
    doAnswer(call -> {
      List<Batch> real = new ArrayList<>(((List<?>) call.callRealMethod()).stream().map(Batch.class::cast).toList());
      real.set(1, Batch.of(real.get(1).id(), b.toString(), () -> { throw new AccessDeniedException(b.toString()); }));
      return real;
    }).when(source).pending();

    IngestJob.JobResult result = new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    source.close();

    assertThat(result.ingest().batches()).extracting(BatchOutcome::status)
        .containsExactly(BatchOutcome.Status.COMMITTED, BatchOutcome.Status.FAILED);
    assertThat(names(spool.resolve("failed"))).containsExactly("b.ndjson", "b.ndjson.reason.txt");
    assertThat(Files.readString(spool.resolve("failed").resolve("b.ndjson.reason.txt")))
        .startsWith("Cannot open " + b + ": java.nio.file.AccessDeniedException");
    assertThat(names(spool.resolve("done"))).containsExactly("a.ndjson");
  }

  @Test
  void theByteLimitLeavesTheRestForTheNextRun() throws IOException {
    Path a = drop("a.ndjson", 1, 50, NOW.minusSeconds(60));
    drop("b.ndjson", 1, 50, NOW.minusSeconds(50));
    long oneFile = Files.size(a);
    try (SpoolSource source = new SpoolSource(spool, Duration.ZERO, RunLimits.defaults().withMaxBytes(DataSize.ofBytes(oneFile + 10)), clock)) {
      new IngestJob(writer, clock).run(source, IngestOptions.defaults());
    }
    assertThat(names(spool)).contains("b.ndjson");
    assertThat(tableKeys()).hasSize(50);
  }
}
