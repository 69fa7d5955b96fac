package dev.floe.core.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.spy;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.table.TableBootstrap;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.RESTException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitterTest {
  @TempDir Path warehouse;
  private Table table;
  private final List<Duration> sleeps = new ArrayList<>();
  private Committer committer;

  @BeforeEach
  void createTable() {
    table = TableBootstrap.loadOrCreate(
        TestTables.catalog(warehouse), TestTables.EVENTS, IngestConfig.from(Settings.empty()).definition());
    committer = new Committer(new CommitOptions(3, Duration.ofMillis(100), Duration.ofSeconds(1)), sleeps::add);
  }

  private DataFile file(String name) {
    return DataFiles.builder(table.spec())
        .withPath(table.location() + "/data/timestamp_day=2026-11-01/" + name + ".parquet")
        .withPartitionPath("timestamp_day=2026-11-01")
        .withFileSizeInBytes(100)
        .withRecordCount(1)
        .build();
  }

  @Test
  void recordsRunIdAndBatchDigestsInTheSnapshotSummary() {
    String a = BatchLedger.digest("batch-a");
    String b = BatchLedger.digest("batch-b");

    Snapshot snapshot = committer.commit(table, List.of(file("f1")), "run-1", List.of(a, b), Map.of());

    assertThat(snapshot.summary())
        .containsEntry(BatchLedger.RUN_ID, "run-1")
        .containsEntry(BatchLedger.BATCH_IDS, a + "," + b)
        .containsEntry(BatchLedger.BATCH_COUNT, "2")
        .containsEntry("added-data-files", "1");
    assertThat(BatchLedger.committed(table, List.of(a, b, BatchLedger.digest("batch-c")))).containsExactly(a, b);
    assertThat(BatchLedger.findRun(table, "run-1")).map(Snapshot::snapshotId).contains(snapshot.snapshotId());
  }

  @Test
  void retriesCommitFailuresWithBackoffAndGivesUpAfterMaxAttempts() {
    Table flaky = failingCommits(table, 2, () -> new CommitFailedException("conflict"));
    Snapshot snapshot = committer.commit(flaky, List.of(file("f1")), "run-1", List.of("d1"), Map.of());
    assertThat(snapshot.summary()).containsEntry(BatchLedger.RUN_ID, "run-1");
    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));

    Table broken = failingCommits(table, 3, () -> new CommitFailedException("conflict again"));
    assertThatThrownBy(() -> committer.commit(broken, List.of(file("f2")), "run-2", List.of("d2"), Map.of()))
        .isInstanceOf(CommitFailedException.class)
        .hasMessage("conflict again");
    assertThat(BatchLedger.findRun(table, "run-2")).isEmpty();
  }

  @Test
  void aBatchCommittedConcurrentlyFailsTheCommitWithoutCommittingAnything() {
    String digest = BatchLedger.digest("batch-a");
    committer.commit(table, List.of(file("f1")), "run-1", List.of(digest), Map.of());
    long before = table.currentSnapshot().snapshotId();

    assertThatThrownBy(() -> committer.commit(table, List.of(file("f2")), "run-2", List.of("other", digest), Map.of()))
        .isInstanceOf(BatchesAlreadyCommittedException.class)
        .hasMessageStartingWith("Cannot commit run run-2 to test.do_state.changes:")
        .hasMessageContaining("batches already committed by another run: [" + digest + "]");
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
  }

  @Test
  void unknownCommitStateThatLandedIsRecognisedByRunId() {
    Table lostResponse = landedButUnknown(table);
    Snapshot snapshot = committer.commit(lostResponse, List.of(file("f1")), "run-1", List.of("d1"), Map.of());
    assertThat(snapshot.summary()).containsEntry(BatchLedger.RUN_ID, "run-1");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void unknownCommitStateThatDidNotLandIsReportedAndNotRetried() {
    Table unknown = failingCommits(table, 1, () -> new CommitStateUnknownException(new RuntimeException("timeout")));
    assertThatThrownBy(() -> committer.commit(unknown, List.of(file("f1")), "run-1", List.of("d1"), Map.of()))
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether run run-1 committed to test.do_state.changes")
        .hasMessageContaining("were NOT deleted")
        .satisfies(e -> assertThat(((CommitUnknownException) e).runId()).isEqualTo("run-1"));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aBrokenConnectionAfterTheCommitLandedIsRecognisedByRunId() {
    // What Iceberg's REST client throws when the catalog applied the commit and the connection
    // was reset (or timed out) before its answer arrived.
    Table lostConnection = landedButUnknown(table, () -> new RESTException(
        new SocketException("Connection reset"), "Error occurred while processing %s request", "POST"));
    Snapshot snapshot = committer.commit(lostConnection, List.of(file("f1")), "run-1", List.of("d1"), Map.of());
    assertThat(snapshot.summary()).containsEntry(BatchLedger.RUN_ID, "run-1");
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void aBrokenConnectionWithoutACommitIsReportedAsUnknownNotAsFailed() {
    Table lostConnection = failingCommits(table, 1, () -> new RESTException(
        new SocketTimeoutException("Read timed out"), "Error occurred while processing %s request", "POST"));
    assertThatThrownBy(() -> committer.commit(lostConnection, List.of(file("f1")), "run-1", List.of("d1"), Map.of()))
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether run run-1 committed to test.do_state.changes")
        .hasRootCauseInstanceOf(SocketTimeoutException.class);
    // A refusal by the catalog is definite: nothing to look for, the caller may clean up.
    Table refused = failingCommits(table, 1, () -> new ForbiddenException("not allowed"));
    assertThatThrownBy(() -> committer.commit(refused, List.of(file("f1")), "run-2", List.of("d2"), Map.of()))
        .isInstanceOf(ForbiddenException.class);
  }

  @Test
  void aCommitSentAgainAfterItLandedReturnsTheLandedSnapshot() {
    // The REST client resends a commit after a 503; the first one had landed. The validation
    // finds the run's own snapshot: no second snapshot, no failure, nothing cleaned up.
    Snapshot first = committer.commit(table, List.of(file("f1")), "run-1", List.of("d1"), Map.of());
    Snapshot again = committer.commit(table, List.of(file("f1")), "run-1", List.of("d1"), Map.of());
    assertThat(again.snapshotId()).isEqualTo(first.snapshotId());
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
    Snapshot viaTransaction =
        committer.commit(table, List.of(file("f1")), "run-1", List.of("d1"), Map.of(), Map.of("floe.source.x.last-run", "c1"));
    assertThat(viaTransaction.snapshotId()).isEqualTo(first.snapshotId());
  }

  /** A table whose first {@code failures} appends throw instead of committing. */
  private static Table failingCommits(Table real, int failures, java.util.function.Supplier<RuntimeException> error) {
    Table table = spy(real);
    AtomicInteger calls = new AtomicInteger();
    doAnswer(invocation -> {
      AppendFiles append = spy(real.newAppend());
      if (calls.getAndIncrement() < failures) {
        doAnswer(ignored -> { throw error.get(); }).when(append).commit();
      }
      return append;
    }).when(table).newAppend();
    return table;
  }

  /** A table whose append commits, then loses the response. */
  private static Table landedButUnknown(Table real) {
    return landedButUnknown(real, () -> new CommitStateUnknownException(new RuntimeException("response lost")));
  }

  /** A table whose append commits, then throws {@code error}. */
  private static Table landedButUnknown(Table real, java.util.function.Supplier<RuntimeException> error) {
    Table table = spy(real);
    doAnswer(invocation -> {
      AppendFiles append = spy(real.newAppend());
      doAnswer(call -> {
        call.callRealMethod();
        throw error.get();
      }).when(append).commit();
      return append;
    }).when(table).newAppend();
    doReturn(real.name()).when(table).name();
    return table;
  }
}
