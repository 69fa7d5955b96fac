package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.IngestResult;
import dev.floe.core.TestTables;
import dev.floe.core.config.DataSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario: 200 small ingests into a few day partitions, then {@code maintain all}. */
class MaintainAllTest {
  private static final DataSize TARGET = DataSize.ofKilobytes(256);
  private static final int INGESTS = 200;
  private static final int EVENTS_PER_INGEST = 450;

  @TempDir Path dir;

  @Test
  void leavesAboutCeilOfPartitionBytesOverTargetFilesTheSameRowsAndOnlyLiveFiles() throws IOException {
    Fixture fixture = new Fixture(dir);
    long start = System.nanoTime();
    for (int i = 0; i < INGESTS; i++) {
      IngestResult result = fixture.ingest("batch-" + i, (long) i * EVENTS_PER_INGEST, EVENTS_PER_INGEST);
      assertThat(result.committed()).isTrue();
    }
    long ingestMillis = (System.nanoTime() - start) / 1_000_000;
    Table table = fixture.table();
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    Map<String, List<DataFile>> before = Fixture.liveFilesByPartition(table);
    assertThat(before.keySet()).hasSize(3);
    before.values().forEach(files -> assertThat(files.size()).isEqualTo(INGESTS));
    Set<Path> smallFiles = paths(Fixture.liveFiles(table));

    // Everything the ingests wrote is ten days old by the maintenance clock.
    Clock clock = Fixture.clockAhead(Duration.ofDays(10));
    Path data = Path.of(java.net.URI.create(table.location() + "/data/timestamp_day=2026-11-01"));
    Path oldOrphan = Files.writeString(data.resolve("left-by-a-dead-run.parquet"), "x");
    Files.setLastModifiedTime(oldOrphan, FileTime.from(clock.instant().minus(Duration.ofDays(4))));
    Path youngOrphan = Files.writeString(data.resolve("written-by-a-running-ingest.parquet"), "y");
    Files.setLastModifiedTime(youngOrphan, FileTime.from(clock.instant().minus(Duration.ofDays(2))));
    MaintenanceConfig config =
        Fixture.config(TARGET)
            .withExpiry(ExpiryOptions.defaults().withOlderThan(Duration.ofDays(1)).withRetainLast(1));
    config = config.withCompaction(config.compaction().withMinAge(Duration.ofHours(1)));

    start = System.nanoTime();
    MaintenanceResult result = TableMaintenance.builder(table).config(config).clock(clock).build().all();
    long maintainMillis = (System.nanoTime() - start) / 1_000_000;

    result.summary().forEach(System.out::println);
    Map<String, List<DataFile>> after = Fixture.liveFilesByPartition(table);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    after.forEach(
        (partition, files) -> {
          long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
          System.out.printf(
              "%s: %d files (%d bytes) -> %d files (%d bytes: %s)%n",
              partition, before.get(partition).size(), before.get(partition).stream().mapToLong(DataFile::fileSizeInBytes).sum(),
              files.size(), bytes, files.stream().map(DataFile::fileSizeInBytes).toList());
          // Files roll once the writer's estimate reaches the target, and the bloom filters and
          // footer come on top, so a file ends up to about a quarter over the target.
          assertThat((long) files.size())
              .isGreaterThan(1)
              .isBetween(CompactionPlanner.ceilDiv(bytes, TARGET.bytes() * 5 / 4), CompactionPlanner.ceilDiv(bytes, TARGET.bytes()));
          assertThat(files).filteredOn(file -> file.fileSizeInBytes() < TARGET.bytes() * 3 / 4).hasSizeLessThanOrEqualTo(1);
        });
    System.out.printf("%d ingests in %d ms; maintain all in %d ms%n", INGESTS, ingestMillis, maintainMillis);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);
    assertThat(TestTables.rows(table)).hasSize(INGESTS * EVENTS_PER_INGEST);

    assertThat(result.expiry().snapshotsAfter()).isEqualTo(1);
    assertThat(result.expiry().dataFilesDeleted()).isEqualTo(3 * INGESTS);
    Set<Path> onDisk = Set.copyOf(Fixture.dataFilesOnDisk(table));
    assertThat(smallFiles.stream().filter(onDisk::contains).count()).isZero();
    assertThat(paths(Fixture.liveFiles(table)).stream().filter(file -> !onDisk.contains(file)).count()).isZero();
    assertThat(oldOrphan).doesNotExist();
    assertThat(youngOrphan).exists();
    assertThat(result.orphans().orphans()).containsExactly(oldOrphan.toUri().toString().replace("file:///", "file:/"));
    assertThat(result.orphans().tooYoung()).isEqualTo(1);

    // floe still reads and writes the table, and a second run finds nothing to compact.
    assertThat(fixture.ingest("after", 1_000_000, 10).committed()).isTrue();
    assertThat(TableMaintenance.builder(table).config(config).clock(clock).build().planCompaction().groups()).isEmpty();
  }

  private static Set<Path> paths(List<DataFile> files) {
    return files.stream().map(file -> Fixture.path(file.location())).collect(Collectors.toSet());
  }

  @Test
  void aDryRunReportsEveryStepAndChangesNothing() throws IOException {
    Fixture fixture = new Fixture(dir);
    for (int i = 0; i < 6; i++) {
      fixture.ingest("batch-" + i, i * 100L, 100);
    }
    Table table = fixture.table();
    Clock clock = Fixture.clockAhead(Duration.ofDays(10));
    Path orphan = Files.writeString(Path.of(java.net.URI.create(table.location())).resolve("data/orphan.parquet"), "x");
    Files.setLastModifiedTime(orphan, FileTime.from(clock.instant().minus(Duration.ofDays(4))));
    long snapshot = table.currentSnapshot().snapshotId();
    List<Path> files = Fixture.allFilesOnDisk(table);
    MaintenanceConfig config =
        Fixture.config(TARGET)
            .withExpiry(ExpiryOptions.defaults().withOlderThan(Duration.ofDays(1)))
            .withManifests(new ManifestOptions(2, 100));

    MaintenanceResult result = TableMaintenance.builder(table).config(config).clock(clock).build().previewAll();

    assertThat(result.dryRun()).isTrue();
    assertThat(result.compaction().dryRun()).isTrue();
    assertThat(result.compaction().groupsPlanned()).isEqualTo(3);
    assertThat(result.compaction().filesBefore()).isEqualTo(18);
    assertThat(result.compaction().filesAfter()).isEqualTo(3);
    assertThat(result.manifests().rewritten()).isTrue();
    assertThat(result.expiry().expiredSnapshotIds()).hasSize(5);
    assertThat(result.orphans().orphans()).hasSize(1);
    assertThat(result.summary())
        .hasSize(4)
        .allSatisfy(line -> assertThat(line).contains("(dry run)"));
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(Fixture.allFilesOnDisk(table)).containsExactlyInAnyOrderElementsOf(files);
  }
}
