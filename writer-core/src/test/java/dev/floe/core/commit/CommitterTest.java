package dev.floe.core.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.table.TableBootstrap;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.RESTException;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.AdditionalAnswers;

class CommitterTest {
  @TempDir Path warehouse;
  private Table table;
  private final List<Duration> sleeps = new ArrayList<>();
  private Committer committer;

  @BeforeEach
  void createTable() {
    table = TableBootstrap.loadOrCreate(
        TestTables.catalog(warehouse), TestTables.EVENTS, IngestConfig.from(Settings.empty()).definition());
    committer = new Committer(new CommitOptions(3, Duration.ofMillis(100), Duration.ofSeconds(1), CommitOptions.DEFAULT_DEDUPE_WINDOW), sleeps::add);
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
        .containsEntry(BatchLedger.BATCH_COUNT, "2")
        .containsEntry(Ledger.SUMMARY_FILE, "run-1.1.ledger")
        .containsEntry("added-data-files", "1")
        .doesNotContainKey(BatchLedger.BATCH_IDS);
    assertThat(BatchLedger.committed(table, List.of(a, b, BatchLedger.digest("batch-c")))).containsExactly(a, b);
    assertThat(BatchLedger.findRun(table, "run-1")).map(Snapshot::snapshotId).contains(snapshot.snapshotId());
  }

  @Test
  void readsTheTableOnceJustBeforeCommittingAndCommitsOnce() {
    TableOperations operations = delegatingTo(((HasTableOperations) table).operations());
    Table counted = new BaseTable(operations, table.name());

    committer.commit(counted, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of());
    committer.commit(counted, List.of(file("f2")), "run-2", List.of(BatchLedger.digest("d2")), Map.of(), Map.of("floe.source.x.last-run", "c2"));

    // Per commit: the read the commit is validated against, and the commit; Iceberg's
    // Table.newTransaction() would read once more, a plain append once more after committing.
    verify(operations, times(2)).refresh();
    verify(operations, times(2)).commit(any(), any());
  }

  @Test
  void aTableLoadedBeforeAnotherRunCommittedTheSameBatchStillFailsValidation() {
    String digest = BatchLedger.digest("batch-a");
    Table loadedEarly = TestTables.catalog(warehouse).loadTable(TestTables.EVENTS);
    committer.commit(table, List.of(file("f1")), "run-1", List.of(digest), Map.of());
    long before = table.currentSnapshot().snapshotId();

    // loadedEarly still shows the table without run-1's snapshot: the commit must read it again.
    assertThat(loadedEarly.currentSnapshot()).isNull();
    assertThatThrownBy(() -> committer.commit(loadedEarly, List.of(file("f2")), "run-2", List.of(digest), Map.of()))
        .isInstanceOf(BatchesAlreadyCommittedException.class)
        .hasMessageStartingWith("Cannot commit run run-2 to test.do_state.changes:")
        .hasMessageContaining("batches already committed by another run: [" + digest + "]");
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void retriesCommitFailuresWithBackoffAndGivesUpAfterMaxAttempts() {
    // Conflicts reach the committer at once, instead of first going through Iceberg's own retries.
    table.updateProperties().set(TableProperties.COMMIT_NUM_RETRIES, "0").commit();
    Table flaky = failingCommits(table, 2, () -> new CommitFailedException("conflict"));
    Snapshot snapshot = committer.commit(flaky, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of());
    assertThat(snapshot.summary()).containsEntry(BatchLedger.RUN_ID, "run-1");
    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));

    Table broken = failingCommits(table, 3, () -> new CommitFailedException("conflict again"));
    assertThatThrownBy(() -> committer.commit(broken, List.of(file("f2")), "run-2", List.of(BatchLedger.digest("d2")), Map.of()))
        .isInstanceOf(CommitFailedException.class)
        .hasMessage("conflict again");
    assertThat(BatchLedger.findRun(table, "run-2")).isEmpty();
  }

  @Test
  void aBatchCommittedConcurrentlyFailsTheCommitWithoutCommittingAnything() {
    String digest = BatchLedger.digest("batch-a");
    Table concurrent = TestTables.catalog(warehouse).loadTable(TestTables.EVENTS);
    committer.commit(table, List.of(file("f1")), "run-1", List.of(digest), Map.of());
    long before = table.currentSnapshot().snapshotId();

    assertThatThrownBy(() -> committer.commit(concurrent, List.of(file("f2")), "run-2", List.of(BatchLedger.digest("other"), digest), Map.of()))
        .isInstanceOf(BatchesAlreadyCommittedException.class)
        .hasMessageStartingWith("Cannot commit run run-2 to test.do_state.changes:")
        .hasMessageContaining("batches already committed by another run: [" + digest + "]");
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
  }

  @Test
  void unknownCommitStateThatLandedIsRecognisedByRunId() {
    Table lostResponse = landedButUnknown(table);
    Snapshot snapshot = committer.commit(lostResponse, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of());
    assertThat(snapshot.summary()).containsEntry(BatchLedger.RUN_ID, "run-1");
    assertThat(sleeps).isEmpty();
  }

  @Test
  void unknownCommitStateThatDidNotLandIsReportedAndNotRetried() {
    Table unknown = failingCommits(table, 1, () -> new CommitStateUnknownException(new RuntimeException("timeout")));
    assertThatThrownBy(() -> committer.commit(unknown, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of()))
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
    Snapshot snapshot = committer.commit(lostConnection, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of());
    assertThat(snapshot.summary()).containsEntry(BatchLedger.RUN_ID, "run-1");
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void aBrokenConnectionWithoutACommitIsReportedAsUnknownNotAsFailed() {
    Table lostConnection = failingCommits(table, 1, () -> new RESTException(
        new SocketTimeoutException("Read timed out"), "Error occurred while processing %s request", "POST"));
    assertThatThrownBy(() -> committer.commit(lostConnection, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of()))
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether run run-1 committed to test.do_state.changes")
        .hasRootCauseInstanceOf(SocketTimeoutException.class);
    // A refusal by the catalog is definite: nothing to look for, the caller may clean up.
    Table refused = failingCommits(table, 1, () -> new ForbiddenException("not allowed"));
    assertThatThrownBy(() -> committer.commit(refused, List.of(file("f1")), "run-2", List.of(BatchLedger.digest("d2")), Map.of()))
        .isInstanceOf(ForbiddenException.class);
  }

  /**
   * The embedded SQLite catalog fails its update (SQLITE_FULL: the disk is full): Iceberg says
   * nothing definite, but on the embedded catalog a commit that the reloaded table does not show
   * never lands, so the run may delete its files. The same failure elsewhere stays unknown.
   */
  @Test
  void aFailedCommitTheEmbeddedCatalogDoesNotShowDidNotLand() {
    Supplier<RuntimeException> full = () -> new UncheckedSQLException(
        new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"),
        "Failed to connect to database!");
    Committer embedded = new Committer(CommitOptions.defaults().withCatalog(CommitOptions.Catalog.EMBEDDED), sleeps::add);

    assertThatThrownBy(() -> embedded.commit(failingCommits(table, 1, full), List.of(file("f1")), "run-1",
            List.of(BatchLedger.digest("d1")), Map.of()))
        .isInstanceOf(CommitNotLandedException.class)
        .hasMessage("Cannot commit run run-1 to test.do_state.changes: Failed to connect to database!; it did not land"
            + " (the embedded catalog shows no such commit)")
        .hasRootCauseMessage("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)");
    assertThat(VerifiedCommits.definitelyFailed(new CommitNotLandedException("x", null))).isTrue();
    assertThatThrownBy(() -> committer.commit(failingCommits(table, 1, full), List.of(file("f1")), "run-2",
            List.of(BatchLedger.digest("d2")), Map.of()))
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether run run-2 committed to test.do_state.changes");
    // A failure the history contradicts is still the landed commit, embedded or not.
    Snapshot landed = embedded.commit(landedButUnknown(table, full), List.of(file("f3")), "run-3",
        List.of(BatchLedger.digest("d3")), Map.of());
    assertThat(landed.summary()).containsEntry(BatchLedger.RUN_ID, "run-3");
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void aCommitSentAgainAfterItLandedReturnsTheLandedSnapshot() {
    // The REST client resends a commit after a 503; the first one had landed. The validation
    // finds the run's own snapshot: no second snapshot, no failure, nothing cleaned up.
    Snapshot first = committer.commit(table, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of());
    Snapshot again = committer.commit(table, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of());
    assertThat(again.snapshotId()).isEqualTo(first.snapshotId());
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
    Snapshot withTableProperties =
        committer.commit(table, List.of(file("f1")), "run-1", List.of(BatchLedger.digest("d1")), Map.of(), Map.of("floe.source.x.last-run", "c1"));
    assertThat(withTableProperties.snapshotId()).isEqualTo(first.snapshotId());
  }

  @Test
  void recordsTheDigestsInALedgerPartAndPrunesCarriedPropertiesOfAnEarlierFloeThatLeftTheWindow() {
    Instant now = Instant.parse("2026-11-24T12:00:00Z");
    String stale = BatchLedger.carriedKey(now.minus(Duration.ofDays(8)).toEpochMilli(), "old-run");
    String young = BatchLedger.carriedKey(now.minus(Duration.ofDays(6)).toEpochMilli(), "young-run");
    table.updateProperties().set(stale, "s1").set(young, "y1").commit();
    Committer dated = new Committer(CommitOptions.defaults(), sleeps::add, Clock.fixed(now, ZoneOffset.UTC));
    String d1 = BatchLedger.digest("d1");
    String d2 = BatchLedger.digest("d2");

    Snapshot snapshot = dated.commit(table, List.of(file("f1")), "run-1", List.of(d1, d2), Map.of());

    table.refresh();
    long second = now.getEpochSecond();
    assertThat(table.properties())
        .containsEntry("floe.ledger.0.run-1", "run-1.1.ledger:2:" + second + ":" + second)
        .containsEntry(young, "y1")
        .doesNotContainKey(stale)
        .doesNotContainKey(BatchLedger.carriedKey(now.toEpochMilli(), "run-1"));
    assertThat(BatchLedger.committed(table, List.of(d1, d2, BatchLedger.digest("d3")), second)).containsExactly(d1, d2);
    assertThat(BatchLedger.committed(table, List.of(d1, d2), second + 1)).as("out of the window").isEmpty();
    // One transaction: the properties belong to the metadata version of the new snapshot.
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot.snapshotId());
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void concurrentWritersRecordUnderKeysOfTheirOwn() {
    Clock sameMillisecond = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    Committer first = new Committer(CommitOptions.defaults(), sleeps::add, sameMillisecond);
    Committer second = new Committer(CommitOptions.defaults(), sleeps::add, sameMillisecond);
    Table stale = TestTables.catalog(warehouse).loadTable(TestTables.EVENTS);
    String d1 = BatchLedger.digest("d1");
    String d2 = BatchLedger.digest("d2");

    first.commit(table, List.of(file("f1")), "run-1", List.of(d1), Map.of());
    // The second writer's view predates the first commit: its commit conflicts and is re-applied.
    second.commit(stale, List.of(file("f2")), "run-2", List.of(d2), Map.of());

    table.refresh();
    assertThat(table.properties()).containsKeys("floe.ledger.0.run-1", "floe.ledger.0.run-2");
    assertThat(BatchLedger.committed(table, List.of(d1, d2))).containsExactlyInAnyOrder(d1, d2);
    assertThat(table.snapshots()).hasSize(2);
  }

  @Test
  void aThousandsOfBatchesCommitAddsTheSameFewHundredBytesOfMetadataAsOneBatch() throws java.io.IOException {
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(BatchLedger.digest("batch-" + i));
    }
    long start = metadataBytes();
    committer.commit(table, List.of(file("f1")), "20261202T000000Z-00000000000000000000000000000001", List.of(many.get(0)), Map.of());
    long one = metadataBytes() - start;
    committer.commit(table, List.of(file("f2")), "20261202T000000Z-00000000000000000000000000000002", many, Map.of());
    long tenThousand = metadataBytes() - start - one;

    assertThat(Math.abs(tenThousand - one)).as("metadata.json growth: one batch %d bytes, 10,000 batches %d", one, tenThousand)
        .isLessThan(100);
    assertThat(BatchLedger.committed(table, many)).hasSize(10_000);
  }

  private long metadataBytes() throws java.io.IOException {
    table.refresh();
    String location = ((HasTableOperations) table).operations().current().metadataFileLocation();
    return java.nio.file.Files.size(java.nio.file.Path.of(java.net.URI.create(location)));
  }

  /** A table whose first {@code failures} catalog commits throw {@code error} instead of committing. */
  private static Table failingCommits(Table real, int failures, Supplier<RuntimeException> error) {
    AtomicInteger calls = new AtomicInteger();
    return withCommits(real, (operations, base, metadata) -> {
      if (calls.getAndIncrement() < failures) {
        throw error.get();
      }
      operations.commit(base, metadata);
    });
  }

  /** A table whose catalog commit lands, then loses the response. */
  private static Table landedButUnknown(Table real) {
    return landedButUnknown(real, () -> new CommitStateUnknownException(new RuntimeException("response lost")));
  }

  /** A table whose catalog commit lands, then throws {@code error}. */
  private static Table landedButUnknown(Table real, Supplier<RuntimeException> error) {
    return withCommits(real, (operations, base, metadata) -> {
      operations.commit(base, metadata);
      throw error.get();
    });
  }

  /** What a table's catalog commit does instead, given the table's real operations. */
  private interface CatalogCommit {
    void commit(TableOperations operations, TableMetadata base, TableMetadata metadata);
  }

  /**
   * {@code real} with its catalog commits ({@link TableOperations#commit}, the one call that
   * changes the table) done by {@code commit}; every other call goes to its operations as before.
   */
  private static Table withCommits(Table real, CatalogCommit commit) {
    TableOperations operations = ((HasTableOperations) real).operations();
    TableOperations injected = delegatingTo(operations);
    doAnswer(call -> {
      commit.commit(operations, call.getArgument(0), call.getArgument(1));
      return null;
    }).when(injected).commit(any(), any());
    return new BaseTable(injected, real.name());
  }

  /** A mock that forwards every call to {@code operations}, to be stubbed where a test injects. */
  private static TableOperations delegatingTo(TableOperations operations) {
    return mock(TableOperations.class, withSettings().defaultAnswer(AdditionalAnswers.delegatesTo(operations)));
  }
}
