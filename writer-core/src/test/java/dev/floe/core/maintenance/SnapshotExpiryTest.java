package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.FloeWriter;
import dev.floe.core.IngestResult;
import dev.floe.core.commit.BatchLedger;
import dev.floe.core.commit.CommitOptions;
import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotExpiryTest {
  @TempDir Path dir;
  private Fixture fixture;
  private Table table;

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    for (int i = 0; i < 6; i++) {
      fixture.ingest("batch-" + i, i * 30L, 30);
    }
    table = fixture.table();
  }

  private TableMaintenance maintenance(Clock clock, ExpiryOptions expiry) {
    return TableMaintenance.builder(table).config(MaintenanceConfig.defaults().withExpiry(expiry)).clock(clock).build();
  }

  private List<Long> snapshotIds() {
    table.refresh();
    List<Long> ids = new ArrayList<>();
    table.snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));
    return ids;
  }

  @Test
  void expiresASnapshotOnlyWhenItIsOlderThanTheCutOffAndNotAmongTheLastOnes() {
    List<Long> all = snapshotIds();
    assertThat(all).hasSize(6);
    Clock inAnHour = Fixture.clockAhead(Duration.ofHours(1));

    ExpiryResult tooYoung = maintenance(inAnHour, ExpiryOptions.defaults().withOlderThan(Duration.ofHours(2)).withRetainLast(1)).expireSnapshots();
    assertThat(tooYoung.snapshotsExpired()).isZero();

    ExpiryResult preview = maintenance(inAnHour, ExpiryOptions.defaults().withOlderThan(Duration.ofMinutes(30)).withRetainLast(4)).previewExpiry();
    assertThat(preview.dryRun()).isTrue();
    assertThat(preview.expiredSnapshotIds()).containsExactlyElementsOf(all.subList(0, 2));
    assertThat(snapshotIds()).hasSize(6);

    ExpiryResult result = maintenance(inAnHour, ExpiryOptions.defaults().withOlderThan(Duration.ofMinutes(30)).withRetainLast(4)).expireSnapshots();

    assertThat(result.expiredSnapshotIds()).containsExactlyElementsOf(all.subList(0, 2));
    assertThat(result.snapshotsBefore()).isEqualTo(6);
    assertThat(result.snapshotsAfter()).isEqualTo(4);
    assertThat(snapshotIds()).containsExactlyElementsOf(all.subList(2, 6));
    // Appends only: every data file is still live, so none is deleted.
    assertThat(result.dataFilesDeleted()).isZero();
    assertThat(result.manifestsDeleted()).isPositive();
    assertThat(Fixture.rowMultiset(table).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(180);
  }

  @Test
  void deletesExactlyTheFilesNoRetainedSnapshotReferences() {
    List<DataFile> before = Fixture.liveFiles(table);
    TableMaintenance compaction =
        TableMaintenance.builder(table).config(Fixture.config(DataSize.ofKilobytes(256))).build();
    compaction.compact();
    Set<Path> live = paths(Fixture.liveFiles(table));
    Set<Path> replaced = paths(before);
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    Set<Path> onDiskBefore = new HashSet<>(Fixture.allFilesOnDisk(table));

    ExpiryResult result =
        maintenance(Fixture.clockAhead(Duration.ofDays(1)), ExpiryOptions.defaults().withOlderThan(Duration.ofHours(1)).withRetainLast(1))
            .expireSnapshots();

    Set<Path> onDisk = new HashSet<>(Fixture.allFilesOnDisk(table));
    Set<Path> deleted = new HashSet<>(onDiskBefore);
    deleted.removeAll(onDisk);
    assertThat(result.dataFilesDeleted()).isEqualTo(replaced.size());
    assertThat(deleted.stream().filter(p -> p.toString().endsWith(".parquet")).collect(Collectors.toSet())).isEqualTo(replaced);
    assertThat(deleted.stream().filter(p -> p.toString().endsWith(".avro")).count()).isEqualTo(result.manifestsDeleted());
    assertThat(onDisk).containsAll(live);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
    assertThat(result.snapshotsAfter()).isEqualTo(1);
  }

  @Test
  void aBatchOfferedAgainAfterItsSnapshotExpiredIsStillSkipped() {
    Clock inAnHour = Fixture.clockAhead(Duration.ofHours(1));
    ExpiryOptions options = ExpiryOptions.defaults().withOlderThan(Duration.ofMinutes(30)).withRetainLast(1);
    Snapshot first = table.snapshots().iterator().next();
    assertThat(first.summary()).doesNotContainKey(BatchLedger.BATCH_IDS);
    String firstLedgerFile = BatchLedger.ledgerFile(table, first).orElseThrow();

    ExpiryResult result = maintenance(inAnHour, options).expireSnapshots();

    assertThat(result.expiredSnapshotIds()).contains(first.snapshotId()).hasSize(5);
    // The ledger lives in table properties: nothing is left for the expiry to carry.
    assertThat(result.carriedSnapshots()).isZero();
    table.refresh();
    assertThat(table.properties().keySet()).noneMatch(key -> key.startsWith(BatchLedger.CARRIED_PREFIX));
    assertThat(BatchLedger.committed(table, List.of(BatchLedger.digest("batch-0")))).hasSize(1);
    // Six commits: three parts merged into one of level 1, so the first commit's own file went
    // with its snapshot; the files the properties name stay.
    assertThat(Path.of(java.net.URI.create(firstLedgerFile))).doesNotExist();
    assertThat(BatchLedger.ledgerFiles(table)).allSatisfy(file -> assertThat(Path.of(java.net.URI.create(file))).exists());
    FloeWriter writer = fixture.writer();
    IngestResult again = Fixture.ingest(writer, "batch-0", 0, 30);
    assertThat(again.committed()).isFalse();
    assertThat(again.batchesSkipped()).isEqualTo(1);
    assertThat(Fixture.rowMultiset(table).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(180);
  }

  /** Six commits as floe wrote them before the ledger: digests inline in the summary, nothing carried. */
  private static Fixture legacyTable(Path dir) {
    Fixture legacy = new Fixture(dir);
    Table table = legacy.table();
    for (int i = 0; i < 6; i++) {
      table.newAppend()
          .appendFile(org.apache.iceberg.DataFiles.builder(table.spec())
              .withPath(table.location() + "/data/timestamp_day=2026-11-01/old-" + i + ".parquet")
              .withPartitionPath("timestamp_day=2026-11-01")
              .withFileSizeInBytes(100)
              .withRecordCount(1)
              .build())
          .set(BatchLedger.RUN_ID, "old-run-" + i)
          .set(BatchLedger.BATCH_IDS, BatchLedger.digest("batch-" + i))
          .set(BatchLedger.BATCH_COUNT, "1")
          .commit();
    }
    return legacy;
  }

  @Test
  void digestsNoPropertyCarriesAreCarriedBeforeTheirSnapshotsExpire(@TempDir Path other) {
    // Commits of an earlier floe that carried nothing.
    Fixture uncarried = legacyTable(other);
    Table table = uncarried.table();
    assertThat(BatchLedger.carried(table.properties())).isEmpty();
    Snapshot first = table.snapshots().iterator().next();
    ExpiryOptions options = ExpiryOptions.defaults().withOlderThan(Duration.ofMinutes(30)).withRetainLast(1);

    ExpiryResult result =
        TableMaintenance.builder(table)
            .config(MaintenanceConfig.defaults().withExpiry(options))
            .clock(Fixture.clockAhead(Duration.ofHours(1)))
            .build()
            .expireSnapshots();

    assertThat(result.expiredSnapshotIds()).contains(first.snapshotId()).hasSize(5);
    assertThat(result.carriedSnapshots()).isEqualTo(6); // the retained one too: it may expire by the time the expiry commits
    assertThat(table.properties()).containsEntry(BatchLedger.carriedKey(first.timestampMillis()), BatchLedger.digest("batch-0"));
    IngestResult again = Fixture.ingest(uncarried.writer(), "batch-0", 0, 30);
    assertThat(again.batchesSkipped()).isEqualTo(1);
  }

  @Test
  void aBatchIsStillSkippedAfterAnotherEngineExpiredItsSnapshot() {
    // Plain Iceberg expiry, as Spark's expire_snapshots does it: no carry-over by floe's maintenance.
    Snapshot first = table.snapshots().iterator().next();
    table.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
    table.refresh();
    assertThat(table.snapshot(first.snapshotId())).isNull();

    IngestResult again = Fixture.ingest(fixture.writer(), "batch-0", 0, 30);

    assertThat(again.committed()).isFalse();
    assertThat(again.batchesSkipped()).isEqualTo(1);
    assertThat(Fixture.rowMultiset(table).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(180);
  }

  @Test
  void aSnapshotOfAnEarlierFloeOlderThanTheDedupeWindowIsNotCarried(@TempDir Path other) {
    Fixture legacy = legacyTable(other);
    Table table = legacy.table();
    ExpiryResult result =
        TableMaintenance.builder(table)
            .config(MaintenanceConfig.defaults().withExpiry(new ExpiryOptions(Duration.ofHours(1), 1, Duration.ofDays(1))))
            .clock(Fixture.clockAhead(Duration.ofDays(2)))
            .build()
            .expireSnapshots();

    assertThat(result.snapshotsExpired()).isEqualTo(5);
    assertThat(result.carriedSnapshots()).isZero();
    assertThat(table.properties().keySet()).noneMatch(key -> key.startsWith(BatchLedger.CARRIED_PREFIX));
    assertThat(Fixture.ingest(legacy.writer(), "batch-0", 0, 30).committed()).isTrue();
  }

  private static Set<Path> paths(List<DataFile> files) {
    return files.stream().map(file -> Fixture.path(file.location())).collect(Collectors.toSet());
  }
}
