package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.floe.core.config.DataSize;
import dev.floe.core.maintenance.CompactionInput.ScannedFile;
import dev.floe.core.maintenance.SkippedPartition.Reason;
import dev.floe.core.schema.EventSchemas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.junit.jupiter.api.Test;

/** The planner on plain values: no table, no storage. */
class CompactionPlannerTest {
  private static final PartitionSpec SPEC = PartitionSpec.builderFor(EventSchemas.defaultSchema()).day("timestamp").build();
  private static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
  private static final CompactionOptions OPTIONS =
      CompactionOptions.defaults().withTargetFileSize(DataSize.ofKilobytes(100)).withMinAge(Duration.ofHours(1));
  private static final long KB = 1024;

  private final List<ScannedFile> files = new ArrayList<>();
  private int counter;

  private void add(String day, int count, long bytesEach) {
    add(day, count, bytesEach, FileFormat.PARQUET, false);
  }

  private void add(String day, int count, long bytesEach, FileFormat format, boolean hasDeletes) {
    add(day, count, bytesEach, format, hasDeletes, null);
  }

  private void addSorted(String day, int count, long bytesEach, Integer sortOrderId) {
    add(day, count, bytesEach, FileFormat.PARQUET, false, sortOrderId);
  }

  private void add(String day, int count, long bytesEach, FileFormat format, boolean hasDeletes, Integer sortOrderId) {
    for (int i = 0; i < count; i++) {
      String path = "timestamp_day=" + day;
      DataFiles.Builder builder =
          DataFiles.builder(SPEC)
              .withPath(String.format("s3://bucket/t/data/%s/f%04d.%s", path, counter++, format.name().toLowerCase()))
              .withPartitionPath(path)
              .withFormat(format)
              .withFileSizeInBytes(bytesEach)
              .withRecordCount(bytesEach / 100);
      if (sortOrderId != null) {
        builder.withSortOrderId(sortOrderId);
      }
      DataFile file = builder.build();
      files.add(new ScannedFile(new PartitionRef(SPEC.specId(), path), file, hasDeletes));
    }
  }

  private CompactionPlan plan(CompactionOptions options, Map<PartitionRef, Instant> lastWrites) {
    return CompactionPlanner.plan(new CompactionInput("db.t", 42L, NOW, files, lastWrites), options);
  }

  private CompactionPlan plan(CompactionOptions options, Map<PartitionRef, Instant> lastWrites, int sortOrderId) {
    return CompactionPlanner.plan(new CompactionInput("db.t", 42L, NOW, files, lastWrites, sortOrderId), options);
  }

  private static PartitionRef day(String day) {
    return new PartitionRef(0, "timestamp_day=" + day);
  }

  @Test
  void rewritesTheSmallFilesOfEachPartitionIntoCeilOfBytesOverTargetFiles() {
    add("2026-11-01", 10, 30 * KB);
    add("2026-11-01", 2, 90 * KB); // near the target: left alone
    add("2026-11-02", 7, 20 * KB);

    CompactionPlan plan = plan(OPTIONS, Map.of());

    assertThat(plan.groups()).extracting(FileGroup::partition).containsExactly(day("2026-11-01"), day("2026-11-02"));
    FileGroup first = plan.groups().get(0);
    assertThat(first.files()).hasSize(10).allSatisfy(f -> assertThat(f.fileSizeInBytes()).isEqualTo(30 * KB));
    assertThat(first.expectedFiles()).isEqualTo(3); // ceil(300KB / 100KB)
    assertThat(plan.groups().get(1).expectedFiles()).isEqualTo(2); // ceil(140KB / 100KB)
    assertThat(plan.startingSnapshotId()).isEqualTo(42L);
    assertThat(plan.tableFiles()).isEqualTo(19);
    assertThat(plan.inputFiles()).isEqualTo(17);
    assertThat(plan.expectedFiles()).isEqualTo(5);
    assertThat(plan.skipped()).isEmpty();
    assertThat(plan.describe())
        .contains("2 groups, 17 files (440.0KB) -> 5 files")
        .contains("rewrite timestamp_day=2026-11-01: 10 files (300.0KB, 3070 rows) -> 3 files");
  }

  @Test
  void leavesPartitionsWithTooFewSmallFilesOrNoGain() {
    add("2026-11-01", 4, 10 * KB); // fewer than min-input-files (5)
    add("2026-11-02", 5, 70 * KB); // 350KB -> 4 files: still fewer
    add("2026-11-03", 1, 10 * KB);
    CompactionOptions twoFiles = OPTIONS.withMinInputFiles(2);
    add("2026-11-04", 2, 60 * KB); // 120KB -> 2 files: nothing gained

    CompactionPlan plan = plan(OPTIONS, Map.of());
    assertThat(plan.groups()).extracting(FileGroup::partition).containsExactly(day("2026-11-02"));
    assertThat(plan.groups().get(0).expectedFiles()).isEqualTo(4);
    assertThat(plan.skipped())
        .extracting(SkippedPartition::partition, SkippedPartition::reason, SkippedPartition::files)
        .containsExactly(
            tuple(day("2026-11-01"), Reason.TOO_FEW_FILES, 4),
            tuple(day("2026-11-03"), Reason.TOO_FEW_FILES, 1),
            tuple(day("2026-11-04"), Reason.TOO_FEW_FILES, 2));

    assertThat(plan(twoFiles, Map.of()).skipped())
        .filteredOn(skip -> skip.partition().equals(day("2026-11-04")))
        .extracting(SkippedPartition::reason)
        .containsExactly(Reason.NO_GAIN);
  }

  @Test
  void skipsPartitionsStillBeingWrittenAndPartitionsWithDeleteFiles() {
    add("2026-11-08", 6, 10 * KB);
    add("2026-11-09", 6, 10 * KB);
    add("2026-11-10", 6, 10 * KB);
    add("2026-11-07", 5, 10 * KB);
    add("2026-11-07", 1, 10 * KB, FileFormat.PARQUET, true);

    CompactionPlan plan =
        plan(
            OPTIONS,
            Map.of(
                day("2026-11-10"), NOW.minus(Duration.ofMinutes(5)),
                day("2026-11-09"), NOW.minus(Duration.ofMinutes(59)),
                day("2026-11-08"), NOW.minus(Duration.ofMinutes(61))));

    assertThat(plan.groups()).extracting(FileGroup::partition).containsExactly(day("2026-11-08"));
    assertThat(plan.skipped())
        .extracting(SkippedPartition::partition, SkippedPartition::reason)
        .containsExactlyInAnyOrder(
            tuple(day("2026-11-07"), Reason.HAS_DELETE_FILES),
            tuple(day("2026-11-09"), Reason.STILL_BEING_WRITTEN),
            tuple(day("2026-11-10"), Reason.STILL_BEING_WRITTEN));

    CompactionPlan noMinAge = plan(OPTIONS.withMinAge(Duration.ZERO), Map.of(day("2026-11-10"), NOW));
    assertThat(noMinAge.groups()).extracting(FileGroup::partition).contains(day("2026-11-10"));
  }

  @Test
  void stopsAtTheFirstGroupOverTheByteCapTakingTheGroupsWithMostFilesFirst() {
    add("2026-11-01", 5, 5 * KB); // 25KB: would still fit, but planning stops at the first group over the cap
    add("2026-11-02", 8, 10 * KB); // 80KB
    add("2026-11-03", 6, 10 * KB); // 60KB: over the cap
    add("2026-11-04", 7, 1 * KB); // 7KB

    CompactionPlan plan = plan(OPTIONS.withMaxBytes(DataSize.ofKilobytes(130)), Map.of());

    assertThat(plan.groups()).extracting(FileGroup::partition).containsExactly(day("2026-11-02"), day("2026-11-04"));
    assertThat(plan.inputBytes()).isEqualTo(87 * KB);
    assertThat(plan.skipped())
        .extracting(SkippedPartition::partition, SkippedPartition::reason)
        .containsExactly(
            tuple(day("2026-11-03"), Reason.BYTE_CAP_REACHED),
            tuple(day("2026-11-01"), Reason.BYTE_CAP_REACHED));
  }

  @Test
  void aSortedRunRewritesColdFilesNotInTheTableSortOrderWhateverTheirSize() {
    CompactionOptions sorted = OPTIONS.sorted(1000);
    addSorted("2026-11-01", 1, 500 * KB, null); // one large file as ingest writes it: no sort order
    addSorted("2026-11-02", 2, 90 * KB, 0); // near the target, written unsorted
    addSorted("2026-11-03", 3, 90 * KB, 1); // already in the table's order: left alone
    addSorted("2026-11-04", 1, 90 * KB, 2); // an earlier sort order of the table
    addSorted("2026-11-05", 1, 90 * KB, 0); // still being written: left for later

    CompactionPlan plan = plan(sorted, Map.of(day("2026-11-05"), NOW), 1);

    assertThat(plan.groups())
        .extracting(FileGroup::partition, group -> group.files().size(), FileGroup::expectedFiles)
        .containsExactlyInAnyOrder(
            tuple(day("2026-11-01"), 1, 5),
            tuple(day("2026-11-02"), 2, 2),
            tuple(day("2026-11-04"), 1, 1));
    assertThat(plan.skipped())
        .extracting(SkippedPartition::partition, SkippedPartition::reason)
        .containsExactly(tuple(day("2026-11-05"), Reason.STILL_BEING_WRITTEN));

    // Without --sort the same table has nothing to bin-pack.
    assertThat(plan(OPTIONS, Map.of(day("2026-11-05"), NOW), 1).groups()).isEmpty();
  }

  @Test
  void aSortedRunRewritesTheSmallSortedFilesOfAPartitionTogetherWithItsUnsortedOnes() {
    addSorted("2026-11-01", 2, 90 * KB, 1); // near the target and sorted: stays
    addSorted("2026-11-01", 1, 10 * KB, 1); // small and sorted: merged with the new one
    addSorted("2026-11-01", 1, 20 * KB, null); // late data, unsorted

    CompactionPlan plan = plan(OPTIONS.sorted(1000), Map.of(), 1);

    assertThat(plan.groups()).hasSize(1);
    assertThat(plan.groups().get(0).files()).extracting(DataFile::fileSizeInBytes).containsExactlyInAnyOrder(10 * KB, 20 * KB);
    assertThat(plan.groups().get(0).expectedFiles()).isEqualTo(1);
  }

  @Test
  void aFileLargerThanTheRunsByteCapIsReportedAsSuchNotAsACapReachedLater() {
    addSorted("2026-11-01", 1, 500 * KB, null);
    addSorted("2026-11-02", 1, 50 * KB, null);

    CompactionPlan plan = plan(OPTIONS.sorted(1000).withMaxBytes(DataSize.ofKilobytes(200)), Map.of(), 1);

    assertThat(plan.groups()).extracting(FileGroup::partition).containsExactly(day("2026-11-02"));
    assertThat(plan.skipped())
        .extracting(SkippedPartition::partition, SkippedPartition::reason)
        .containsExactly(tuple(day("2026-11-01"), Reason.LARGER_THAN_BYTE_CAP));
    assertThat(Reason.LARGER_THAN_BYTE_CAP.description()).contains("max-bytes");
  }

  @Test
  void aTableWithoutASortOrderIsOnlyBinPackedEvenWhenSorted() {
    addSorted("2026-11-01", 1, 500 * KB, null);

    assertThat(plan(OPTIONS.sorted(1000), Map.of(), 0).groups()).isEmpty();
  }

  @Test
  void cutsALargePartitionIntoGroupsOfAtMostTheGroupSize() {
    add("2026-11-01", 25, 40 * KB); // 1000KB

    CompactionPlan plan = plan(OPTIONS.withMaxGroupSize(DataSize.ofKilobytes(400)), Map.of());

    assertThat(plan.groups()).hasSize(3);
    assertThat(plan.groups()).allSatisfy(group -> assertThat(group.bytes()).isLessThanOrEqualTo(400 * KB));
    assertThat(plan.groups()).extracting(g -> g.files().size()).containsExactly(10, 10, 5);
    assertThat(plan.groups()).extracting(FileGroup::expectedFiles).containsExactly(4, 4, 2);
    assertThat(plan.inputFiles()).isEqualTo(25);

    // The byte cap also bounds a group, so a single group can always run.
    CompactionPlan capped = plan(OPTIONS.withMaxBytes(DataSize.ofKilobytes(200)), Map.of());
    assertThat(capped.groups()).hasSize(1);
    assertThat(capped.groups().get(0).files()).hasSize(5);
  }

  @Test
  void estimatesOutputFilesFromColumnBytesWhenFilesCarryMostlyFootersAndBloomFilters() {
    for (int i = 0; i < 20; i++) {
      String path = "timestamp_day=2026-11-01";
      DataFile file =
          DataFiles.builder(SPEC)
              .withPath("s3://bucket/t/data/" + path + "/bloom-" + i + ".parquet")
              .withPartitionPath(path)
              .withFormat(FileFormat.PARQUET)
              .withFileSizeInBytes(68 * KB)
              .withMetrics(new Metrics(20L, Map.of(1, 3 * KB, 2, 1 * KB), null, null, null))
              .build();
      files.add(new ScannedFile(day("2026-11-01"), file, false));
    }

    CompactionPlan plan = plan(OPTIONS, Map.of());

    assertThat(plan.groups()).hasSize(1);
    assertThat(plan.groups().get(0).bytes()).isEqualTo(20 * 68 * KB);
    assertThat(plan.groups().get(0).expectedFiles()).isEqualTo(1); // 80KB of column data, not 1360KB of files
  }

  @Test
  void ignoresFilesThatAreNotParquetAndPlansNothingForAnEmptyTable() {
    add("2026-11-01", 6, 10 * KB, FileFormat.AVRO, false);

    assertThat(plan(OPTIONS, Map.of()).groups()).isEmpty();
    CompactionPlan empty = CompactionPlanner.plan(CompactionInput.empty("db.t", NOW), OPTIONS);
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.startingSnapshotId()).isNull();
    assertThat(CompactionResult.dryRun(empty).summary()).isEqualTo(
        "compaction (dry run): 0 -> 0 data files (0B -> 0B); 0 of 0 groups committed, 0 conflicted; 0 files rewritten into 0; 0 partitions skipped");
  }
}
