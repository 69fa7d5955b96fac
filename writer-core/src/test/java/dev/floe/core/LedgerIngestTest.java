package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.commit.BatchLedger;
import dev.floe.core.commit.BatchesAlreadyCommittedException;
import dev.floe.core.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch ledger through FloeWriter: the dedupe window, merges, expiry by anyone, big runs, races. */
class LedgerIngestTest {
  private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");

  @TempDir Path dir;
  private HadoopCatalog catalog;
  private IngestConfig config;

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
    config = IngestConfig.from(Settings.empty()).withoutDeadLetterDirectory();
  }

  private FloeWriter writerAt(Instant now) {
    return FloeWriter.builder(catalog).config(config).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
  }

  private static Batch batch(String id) {
    return Batch.ofEvents(id, List.of(Map.of("do_id", "do-" + id, "key", "k", "op", "PUT", "timestamp", T0.toEpochMilli(), "seq", 1L)));
  }

  @Test
  void aBatchOfferedAgainJustInsideTheWindowIsSkippedAndJustOutsideItIsCommitted() {
    assertThat(writerAt(T0).ingest(batch("a")).batchesCommitted()).isEqualTo(1);

    IngestResult inside = writerAt(T0.plus(Duration.ofDays(7)).minusSeconds(1)).ingest(batch("a"));
    IngestResult outside = writerAt(T0.plus(Duration.ofDays(7)).plusSeconds(1)).ingest(batch("a"));

    assertThat(inside.batchesSkipped()).isEqualTo(1);
    assertThat(outside.batchesCommitted()).isEqualTo(1);
    assertThat(TestTables.rows(writerAt(T0).table())).hasSize(2);
  }

  @Test
  void everyBatchOfManyCommitsIsRecognisedAfterAnyEngineExpiredEverySnapshotButTheLast() {
    FloeWriter writer = writerAt(T0);
    List<Batch> all = new ArrayList<>();
    for (int commit = 0; commit < 40; commit++) {
      List<Batch> batches = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        batches.add(batch(commit + "-" + i));
      }
      all.addAll(batches);
      assertThat(writer.ingest(batches).batchesCommitted()).isEqualTo(25);
    }
    Table table = writer.table();
    // Plain Iceberg expiry, as Spark's expire_snapshots or R2 Data Catalog's own would do it.
    table.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
    long parts = table.properties().keySet().stream().filter(key -> key.startsWith("floe.ledger.")).count();

    IngestResult again = writerAt(T0.plusSeconds(60)).ingest(all);

    assertThat(parts).as("ledger parts after 40 commits").isBetween(1L, 4L);
    assertThat(again.batchesSkipped()).isEqualTo(1000);
    assertThat(again.committed()).isFalse();
    assertThat(BatchLedger.ledgerFiles(table)).allSatisfy(file -> assertThat(Path.of(java.net.URI.create(file))).exists());
  }

  @Test
  void batchesATableRecordedTheWayFloeDidBeforeTheLedgerAreSkippedAfterTheUpgradeAndAfterAnyExpiry() {
    Table table = writerAt(T0).table();
    // Two commits as the previous release made them: digests inline in the snapshot summary and
    // carried in a table property dated by the commit (floe.carried.<ms>.<run id>).
    for (int commit = 0; commit < 2; commit++) {
      List<String> digests = List.of(BatchLedger.digest("old-" + commit + "-a"), BatchLedger.digest("old-" + commit + "-b"));
      long at = T0.toEpochMilli() + commit * 60_000L;
      table.newAppend()
          .appendFile(org.apache.iceberg.DataFiles.builder(table.spec())
              .withPath(table.location() + "/data/timestamp_day=2026-11-20/old-" + commit + ".parquet")
              .withPartitionPath("timestamp_day=2026-11-20")
              .withFileSizeInBytes(100)
              .withRecordCount(2)
              .build())
          .set(BatchLedger.RUN_ID, "old-run-" + commit)
          .set(BatchLedger.BATCH_IDS, String.join(",", digests))
          .set(BatchLedger.BATCH_COUNT, "2")
          .commit();
      table.updateProperties().set(BatchLedger.carriedKey(at, "old-run-" + commit), String.join(",", digests)).commit();
    }
    List<Batch> old = List.of(batch("old-0-a"), batch("old-0-b"), batch("old-1-a"), batch("old-1-b"));

    IngestResult upgraded = writerAt(T0.plusSeconds(600)).ingest(List.of(old.get(0), old.get(3), batch("new")));
    catalog.loadTable(TestTables.EVENTS).expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
    IngestResult afterExpiry = writerAt(T0.plusSeconds(1200)).ingest(old);

    assertThat(upgraded.batchesSkipped()).isEqualTo(2);
    assertThat(upgraded.batchesCommitted()).isEqualTo(1);
    assertThat(afterExpiry.batchesSkipped()).isEqualTo(4);
    assertThat(afterExpiry.committed()).isFalse();
    // The old record leaves with its window: a commit after it prunes the carried properties.
    writerAt(T0.plus(Duration.ofDays(8))).ingest(batch("later"));
    assertThat(catalog.loadTable(TestTables.EVENTS).properties().keySet()).noneMatch(key -> key.startsWith("floe.carried."));
  }

  @Test
  void aSingleRunOfTenThousandBatchesIsRecordedWhole() {
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      batches.add(batch("big-" + i));
    }
    assertThat(writerAt(T0).ingest(batches).batchesCommitted()).isEqualTo(10_000);

    IngestResult again = writerAt(T0.plusSeconds(1)).ingest(List.of(batches.get(0), batches.get(9_999), batch("new")));

    assertThat(again.batchesSkipped()).isEqualTo(2);
    assertThat(again.batchesCommitted()).isEqualTo(1);
  }

  @Test
  void aConcurrentRunThatCommittedTheSameBatchAndMergedTheLedgerStillFailsTheOtherCommit() {
    FloeWriter first = writerAt(T0);
    for (int i = 0; i < 3; i++) {
      first.ingest(batch("warm-" + i)); // three level-0 parts: the next commit merges
    }
    Table stale = catalog.loadTable(TestTables.EVENTS);
    // The other run checked against `stale`, then this one committed the batch and merged.
    first.ingest(batch("both"));
    assertThat(first.table().properties().keySet()).anyMatch(key -> key.startsWith("floe.ledger.1."));

    dev.floe.core.commit.Committer committer = new dev.floe.core.commit.Committer(config.commit());
    org.apache.iceberg.DataFile file = org.apache.iceberg.DataFiles.builder(stale.spec())
        .withPath(stale.location() + "/data/timestamp_day=2026-11-20/other.parquet")
        .withPartitionPath("timestamp_day=2026-11-20")
        .withFileSizeInBytes(100)
        .withRecordCount(1)
        .build();
    String digest = BatchLedger.digest("both");
    assertThatThrownBy(() -> committer.commit(stale, List.of(file), "run-other", List.of(digest), Map.of()))
        .isInstanceOf(BatchesAlreadyCommittedException.class)
        .hasMessageContaining("batches already committed by another run: [" + digest + "]");
  }
}
