package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.spy;

import dev.floe.core.BatchOutcome.Status;
import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.floe.core.commit.CommitUnknownException;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestRunTest {
  private static final Instant T = Instant.parse("2026-11-02T12:00:00Z");

  @TempDir Path dir;
  private HadoopCatalog catalog;
  private IngestConfig config;

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
    config = IngestConfig.from(Settings.empty()).withDeadLetterDirectory(dir.resolve("dead"));
  }

  private Batch batch(String name, int events) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int seq = 1; seq <= events; seq++) {
      lines.add(TestTables.ndjson(name, seq, T));
    }
    return Batch.ofFile(Files.write(dir.resolve(name + ".ndjson"), lines));
  }

  @Test
  void aRunOfManySmallBatchesHandsRowsOverThroughOneSetOfBlocks() throws IOException {
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batches.add(batch("small-" + i, 2));
    }
    FloeWriter writer = FloeWriter.builder(catalog).config(config).build();
    writer.table();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    IngestResult result = writer.ingest(batches);

    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(result.batchesCommitted()).isEqualTo(300);
    assertThat(TestTables.rows(writer.table())).hasSize(600);
    // A handoff's blocks take ~5.6 MB; one set per batch would be ~1.7 GB here.
    assertThat(allocated).as("bytes allocated by the decoding thread").isLessThan(300L << 20);
  }

  @Test
  void batchesBeyondTheEventLimitAreDeferredNotSplit() throws IOException {
    RunLimits limits = new RunLimits(15, DataSize.parse("1GB"), Duration.ZERO, 1.0);
    FloeWriter writer = FloeWriter.builder(catalog).config(config.withRunLimits(limits)).build();

    IngestResult result = writer.ingest(List.of(batch("a", 10), batch("b", 10), batch("c", 10)));

    assertThat(result.batches()).extracting(BatchOutcome::status)
        .containsExactly(Status.COMMITTED, Status.COMMITTED, Status.DEFERRED);
    assertThat(result.eventsWritten()).isEqualTo(20);
    assertThat(TestTables.rows(writer.table())).hasSize(20);

    IngestResult next = writer.ingest(List.of(batch("a", 10), batch("b", 10), batch("c", 10)));
    assertThat(next.batches()).extracting(BatchOutcome::status)
        .containsExactly(Status.ALREADY_COMMITTED, Status.ALREADY_COMMITTED, Status.COMMITTED);
    assertThat(TestTables.rows(writer.table())).hasSize(30);
  }

  @Test
  void aDryRunCountsEverythingAndWritesNothing() throws IOException {
    FloeWriter writer = FloeWriter.builder(catalog).config(config.withFilter("seq > 2")).build();

    IngestResult result = writer.ingest(List.of(batch("a", 5)), IngestOptions.defaults().withDryRun(true));

    assertThat(result.committed()).isFalse();
    assertThat(result.batches()).extracting(BatchOutcome::status).containsExactly(Status.DRY_RUN);
    assertThat(result.eventsRead()).isEqualTo(5);
    assertThat(result.eventsWritten()).isEqualTo(3);
    assertThat(result.eventsFiltered()).isEqualTo(2);
    assertThat(writer.table().currentSnapshot()).isNull();
    assertThat(TestTables.dataFilesOnDisk(writer.table())).isEmpty();
  }

  @Test
  void tooManyRejectsFailTheRunWithoutCommitting() throws IOException {
    Path bad = Files.write(dir.resolve("bad.ndjson"), List.of(TestTables.ndjson("x", 1, T), "nope", "nope", "nope"));
    RunLimits limits = new RunLimits(Long.MAX_VALUE, DataSize.parse("1GB"), Duration.ZERO, 0.5);
    FloeWriter writer = FloeWriter.builder(catalog).config(config.withRunLimits(limits)).build();

    assertThatThrownBy(() -> writer.ingest(Batch.ofFile(bad)))
        .isInstanceOf(TooManyRejectsException.class)
        .hasMessageContaining("3 of 4 events were rejected (75.0%, more than the 50.0% allowed by ingest.max-reject-ratio)")
        .hasMessageContaining("nothing was committed; the rejected events are in " + dir.resolve("dead").toAbsolutePath());
    assertThat(writer.table().currentSnapshot()).isNull();
    assertThat(TestTables.dataFilesOnDisk(writer.table())).isEmpty();
    // The rejects stay for the operator to look at, one file for the batch, even after a retry.
    assertThatThrownBy(() -> writer.ingest(Batch.ofFile(bad))).isInstanceOf(TooManyRejectsException.class);
    try (var files = Files.list(dir.resolve("dead"))) {
      assertThat(files.filter(f -> !f.getFileName().toString().startsWith("."))).singleElement()
          .satisfies(f -> assertThat(Files.readAllLines(f)).hasSize(3));
    }
  }

  @Test
  void aBatchThatCannotBeOpenedFailsAloneAndTheOthersCommit() throws IOException {
    Batch unreadable = Batch.of("locked", "locked.ndjson", () -> {
      throw new AccessDeniedException("locked.ndjson");
    });
    FloeWriter writer = FloeWriter.builder(catalog).config(config).build();

    IngestResult result = writer.ingest(List.of(batch("a", 3), unreadable));

    assertThat(result.batches()).extracting(BatchOutcome::status).containsExactly(Status.COMMITTED, Status.FAILED);
    assertThat(result.batches().get(1).reason()).isEqualTo("Cannot open locked.ndjson: java.nio.file.AccessDeniedException: locked.ndjson");
    assertThat(TestTables.rows(writer.table())).hasSize(3);
    IngestResult again = writer.ingest(List.of(unreadable));
    assertThat(again.batches()).extracting(BatchOutcome::status).containsExactly(Status.FAILED);
  }

  @Test
  void theSourceMarkIsSetInTheSameCommitAsTheData() throws IOException {
    FloeWriter writer = FloeWriter.builder(catalog).config(config).build();

    IngestResult result = writer.ingest(List.of(batch("a", 3)), IngestOptions.defaults().withSourceMark("spool-1", "claim-7"));

    assertThat(writer.table().properties()).containsEntry("floe.source.spool-1.last-run", "claim-7");
    assertThat(writer.table().currentSnapshot().summary()).containsEntry("floe.run-id", result.runId());
    // One metadata version for both: the table has exactly one snapshot and the property.
    assertThat(writer.table().history()).hasSize(1);
  }

  @Test
  void aRunWhoseCommitLandedKeepsItsFilesWhenTheTableCannotBeReloadedToConfirmIt() throws IOException {
    FloeWriter first = FloeWriter.builder(catalog).config(config).build();
    first.ingest(List.of(batch("a", 3)));
    Table real = catalog.loadTable(TestTables.EVENTS);
    real.updateProperties().set(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "0").commit();
    // The catalog applies the commit, the REST client resends it after a 503 and the resend
    // conflicts; Iceberg reloads and finds the run's own snapshot. Then the catalog stops answering.
    AtomicBoolean landed = new AtomicBoolean();
    TableOperations operations = spy(((HasTableOperations) real).operations());
    doAnswer(invocation -> {
      invocation.callRealMethod();
      if (landed.compareAndSet(false, true)) {
        throw new CommitFailedException("Requirement failed: branch main has changed");
      }
      return null;
    }).when(operations).commit(any(), any());
    Table faulty = spy(new BaseTable(operations, real.name()));
    doAnswer(invocation -> {
      if (landed.get()) {
        throw new UncheckedIOException("Connection reset", new SocketException("Connection reset"));
      }
      return invocation.callRealMethod();
    }).when(faulty).refresh();
    HadoopCatalog unreachable = spy(catalog);
    doReturn(faulty).when(unreachable).loadTable(TestTables.EVENTS);
    FloeWriter writer = FloeWriter.builder(unreachable).config(config).build();

    assertThatThrownBy(() -> writer.ingest(List.of(batch("b", 3))))
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether run ")
        .hasMessageContaining(" committed to test.do_state.changes: ")
        .hasMessageContaining("Connection reset")
        .hasMessageContaining("NOT deleted");
    real.refresh();
    assertThat(real.snapshots()).hasSize(2);
    assertThat(TestTables.dataFilesOnDisk(real)).hasSize(2);
    assertThat(TestTables.rows(real)).extracting(row -> row.getField("do_id")).containsExactlyInAnyOrder("a", "a", "a", "b", "b", "b");
  }
}
