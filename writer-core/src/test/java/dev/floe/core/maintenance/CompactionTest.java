package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.config.DataSize;
import dev.floe.core.maintenance.CompactionResult.GroupResult;
import dev.floe.core.maintenance.CompactionResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.invocation.InvocationOnMock;

class CompactionTest {
  private static final DataSize TARGET = DataSize.ofKilobytes(256);

  @TempDir Path dir;
  private Fixture fixture;
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    for (int i = 0; i < 12; i++) {
      fixture.ingest("batch-" + i, i * 60L, 60);
    }
  }

  private TableMaintenance maintenance(Table table, MaintenanceConfig config) {
    return TableMaintenance.builder(table).config(config).sleeper(sleeps::add).tempDirectory(dir.resolve("tmp")).build();
  }

  @Test
  void rewritesTheSmallFilesOfEachPartitionKeepingEveryRowAndValue() {
    Table table = fixture.table();
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    Map<String, List<DataFile>> before = Fixture.liveFilesByPartition(table);
    assertThat(before.keySet()).hasSize(3);
    before.values().forEach(files -> assertThat(files.size()).isEqualTo(12));

    CompactionResult result = maintenance(table, Fixture.config(TARGET)).compact();

    Map<String, List<DataFile>> after = Fixture.liveFilesByPartition(table);
    after.forEach(
        (partition, files) -> {
          long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
          long beforeBytes = before.get(partition).stream().mapToLong(DataFile::fileSizeInBytes).sum();
          assertThat(files).hasSize(1); // the data of each partition is below the target
          assertThat(bytes).isLessThan(beforeBytes);
        });
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);
    assertThat(result.groupsCommitted()).isEqualTo(3);
    assertThat(result.filesBefore()).isEqualTo(36);
    assertThat(result.filesRewritten()).isEqualTo(36);
    assertThat(result.filesAfter()).isEqualTo(after.values().stream().mapToInt(List::size).sum());
    assertThat(result.groups()).extracting(GroupResult::status).containsOnly(Status.COMMITTED);
    Snapshot last = table.currentSnapshot();
    assertThat(last.operation()).isEqualTo("replace");
    assertThat(last.summary()).containsEntry(CompactionRunner.OPERATION, "compaction").containsEntry(CompactionRunner.RUN_ID, result.runId());

    // Nothing left worth doing: a second plan is empty.
    assertThat(maintenance(table, Fixture.config(TARGET)).planCompaction().groups()).isEmpty();
  }

  @Test
  void leavesPartitionsAloneWhileIngestStillWritesThem() {
    Table table = fixture.table();
    MaintenanceConfig config = Fixture.config(TARGET);
    config = config.withCompaction(config.compaction().withMinAge(Duration.ofHours(1)));

    CompactionPlan now = TableMaintenance.builder(table).config(config).build().planCompaction();
    CompactionPlan later =
        TableMaintenance.builder(table).config(config).clock(Fixture.clockAhead(Duration.ofHours(2))).build().planCompaction();

    assertThat(now.groups()).isEmpty();
    assertThat(now.skipped())
        .hasSize(3)
        .allSatisfy(skip -> assertThat(skip.reason()).isEqualTo(SkippedPartition.Reason.STILL_BEING_WRITTEN));
    assertThat(later.groups()).hasSize(3);
    assertThat(later.skipped()).isEmpty();
  }

  @Test
  void sortsRewrittenFilesByDoIdAndSeqInBoundedMemorySpillingRunsToDisk() {
    Table table = fixture.table();
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    MaintenanceConfig config = Fixture.config(TARGET);
    // 240 rows per partition in runs of 5: 48 spilled runs, more than one merge pass takes.
    config = config.withCompaction(config.compaction().sorted(5));

    CompactionResult result = maintenance(table, config).compact();

    assertThat(result.groupsCommitted()).isEqualTo(3);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);
    SortOrder order = table.sortOrder();
    assertThat(order.isSorted()).isTrue();
    for (DataFile file : Fixture.liveFiles(table)) {
      assertThat(file.sortOrderId()).isEqualTo(order.orderId());
      List<Record> rows = read(table, file);
      assertThat(rows).hasSize((int) file.recordCount());
      assertThat(rows)
          .isSortedAccordingTo(
              Comparator.comparing((Record r) -> (String) r.getField("do_id")).thenComparing(r -> (Long) r.getField("seq")));
    }
    assertThat(dir.resolve("tmp")).isEmptyDirectory();
  }

  @Test
  void aSortedRunRewritesFilesNotInTheSortOrderWhateverTheirCountAndASecondRunHasNothingToDo() {
    Table table = fixture.table();
    maintenance(table, Fixture.config(TARGET)).compact(); // bin-packed: one unsorted file per partition
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    assertThat(Fixture.liveFiles(table)).hasSize(3).allSatisfy(file -> assertThat(file.sortOrderId()).isNotEqualTo(table.sortOrder().orderId()));
    MaintenanceConfig config = Fixture.config(TARGET);
    config = config.withCompaction(config.compaction().sorted(1000));
    assertThat(maintenance(table, Fixture.config(TARGET)).planCompaction().groups()).isEmpty(); // one file each: nothing to bin-pack

    CompactionResult result = maintenance(table, config).compact();

    assertThat(result.groupsCommitted()).isEqualTo(3);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);
    assertThat(Fixture.liveFiles(table)).hasSize(3).allSatisfy(file -> assertThat(file.sortOrderId()).isEqualTo(table.sortOrder().orderId()));
    assertThat(maintenance(table, config).planCompaction().groups()).isEmpty();
  }

  @Test
  void sortedFilesGetSmallRowGroupsWithDisjointDoIdRangesSoALookupCanSkipMostOfThem() throws Exception {
    Table table = fixture.table();
    fixture.ingest("many", 10_000, 30_000); // ~10,000 rows per day partition
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    MaintenanceConfig config = Fixture.config(DataSize.ofMegabytes(16));
    config = config.withCompaction(config.compaction().sorted(100_000).withSortedRowGroupSize(DataSize.ofKilobytes(64)));

    assertThat(maintenance(table, config).compact().groupsCommitted()).isEqualTo(3);

    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);
    for (DataFile file : Fixture.liveFiles(table)) {
      List<BlockMetaData> rowGroups = rowGroups(file);
      // write.row-group-size (64MB) would give one row group holding every do_id of the day.
      assertThat(rowGroups).as("row groups of %s", file.location()).hasSizeGreaterThan(3);
      for (int i = 1; i < rowGroups.size(); i++) {
        Binary previousMax = (Binary) doIdStatistics(rowGroups.get(i - 1)).genericGetMax();
        Binary min = (Binary) doIdStatistics(rowGroups.get(i)).genericGetMin();
        assertThat(previousMax.compareTo(min)).as("do_id ranges of row groups %d and %d", i - 1, i).isLessThanOrEqualTo(0);
      }
    }
  }

  private static List<BlockMetaData> rowGroups(DataFile file) throws IOException {
    String location = file.location();
    Path path = location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(path))) {
      return reader.getFooter().getBlocks();
    }
  }

  private static Statistics<?> doIdStatistics(BlockMetaData rowGroup) {
    return rowGroup.getColumns().stream().filter(c -> c.getPath().toDotString().equals("do_id")).findFirst().orElseThrow()
        .getStatistics();
  }

  @Test
  void aGroupWhoseFilesChangedConcurrentlyIsSkippedAndItsNewFilesDeletedWhileTheOthersCommit() {
    Table table = fixture.table();
    TableMaintenance maintenance = maintenance(table, Fixture.config(TARGET));
    CompactionPlan plan = maintenance.planCompaction();
    assertThat(plan.groups()).hasSize(3);
    DataFile removed = plan.groups().get(1).files().get(0);
    Map<List<Object>, Long> expected = Fixture.rowMultiset(table);
    for (Record row : read(table, removed)) {
      List<Object> values = table.schema().columns().stream().map(c -> row.getField(c.name())).toList();
      expected.merge(values, -1L, (a, b) -> a + b == 0 ? null : a + b);
    }
    Table spied = spy(table);
    AtomicInteger rewrites = new AtomicInteger();
    doAnswer(
            invocation -> {
              if (rewrites.incrementAndGet() == 2) {
                // Another writer deletes one of group 1's files between the plan and its commit.
                fixture.catalog.loadTable(dev.floe.core.TestTables.EVENTS)
                    .newDelete().deleteFile(removed).commit();
              }
              return invocation.callRealMethod();
            })
        .when(spied)
        .newRewrite();

    CompactionResult result = maintenance(spied, Fixture.config(TARGET)).compact(plan);

    assertThat(result.groups()).extracting(GroupResult::status).containsExactly(Status.COMMITTED, Status.CONFLICT, Status.COMMITTED);
    assertThat(result.groups().get(1).message()).contains("Missing required files to delete").contains(removed.location());
    assertThat(result.groupsConflicted()).isEqualTo(1);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(expected);
    assertThat(Fixture.dataFilesOnDisk(table))
        .noneMatch(path -> path.getFileName().toString().startsWith("00001-0-" + result.runId()))
        .anyMatch(path -> path.getFileName().toString().startsWith("00000-0-" + result.runId()));
    // A later run plans the skipped partition again.
    assertThat(maintenance.planCompaction().groups()).extracting(FileGroup::partition).containsExactly(plan.groups().get(1).partition());
  }

  @Test
  void retriesACommitThatFailsAndSkipsTheGroupWhenItKeepsFailing() {
    Table table = fixture.table();
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    AtomicInteger attempts = new AtomicInteger();
    Table flaky =
        failingCompactions(
            table,
            invocation -> {
              if (attempts.incrementAndGet() == 1) {
                throw new CommitFailedException("conflict");
              }
              return callReal(invocation);
            });

    CompactionResult result = maintenance(flaky, Fixture.config(TARGET)).compact();

    assertThat(result.groupsCommitted()).isEqualTo(3);
    assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);

    for (int i = 0; i < 5; i++) {
      fixture.ingest("more-" + i, 10_000 + i * 30L, 30);
    }
    table.refresh();
    long snapshot = table.currentSnapshot().snapshotId();
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    int filesOnDisk = Fixture.dataFilesOnDisk(table).size();
    Table broken = failingCompactions(table, invocation -> {
      throw new CommitFailedException("conflict again");
    });

    CompactionResult failed = maintenance(broken, Fixture.config(TARGET)).compact();

    assertThat(failed.groupsPlanned()).isEqualTo(3);
    assertThat(failed.groups())
        .allSatisfy(
            group -> {
              assertThat(group.status()).isEqualTo(Status.CONFLICT);
              assertThat(group.message()).isEqualTo("commit kept failing after 3 attempts");
            });
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
    assertThat(Fixture.dataFilesOnDisk(table)).hasSize(filesOnDisk);
  }

  @Test
  void aCommitWhoseStateIsUnknownKeepsItsFilesUnlessTheHistoryShowsIt() {
    Table table = fixture.table();
    Table unknown = failingCompactions(table, invocation -> {
      throw new CommitStateUnknownException(new RuntimeException("timeout"));
    });
    int filesOnDisk = Fixture.dataFilesOnDisk(table).size();

    assertThatThrownBy(() -> maintenance(unknown, Fixture.config(TARGET)).compact())
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether compaction ")
        .hasMessageContaining(" of partition timestamp_day=")
        .hasMessageContaining("Its files were NOT deleted");
    assertThat(Fixture.dataFilesOnDisk(table)).hasSize(filesOnDisk + 1);

    Table landed = failingCompactions(table, invocation -> {
      callReal(invocation);
      throw new CommitStateUnknownException(new RuntimeException("response lost"));
    });

    CompactionResult result = maintenance(landed, Fixture.config(TARGET)).compact();

    assertThat(result.groupsCommitted()).isEqualTo(3);
    assertThat(result.groups()).allSatisfy(group -> assertThat(group.snapshotId()).isNotNull());
  }

  /**
   * The table over a spy of its operations whose replace commits (compaction) run {@code answer}
   * instead of committing, while other commits go through. Iceberg's own retries are turned off so
   * that a {@link CommitFailedException} reaches the runner.
   */
  private static Table failingCompactions(Table table, Function<InvocationOnMock, Object> answer) {
    table.updateProperties().set(TableProperties.COMMIT_NUM_RETRIES, "0").commit();
    TableOperations ops = spy(((HasTableOperations) table).operations());
    doAnswer(
            invocation -> {
              TableMetadata updated = invocation.getArgument(1);
              Snapshot snapshot = updated.currentSnapshot();
              boolean compaction = snapshot != null && snapshot.summary().containsKey(CompactionRunner.GROUP)
                  && (invocation.<TableMetadata>getArgument(0).currentSnapshot() == null
                      || snapshot.snapshotId() != invocation.<TableMetadata>getArgument(0).currentSnapshot().snapshotId());
              return compaction ? answer.apply(invocation) : invocation.callRealMethod();
            })
        .when(ops)
        .commit(any(), any());
    return new BaseTable(ops, table.name());
  }

  private static Object callReal(InvocationOnMock invocation) {
    try {
      return invocation.callRealMethod();
    } catch (Throwable e) {
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
  }

  static List<Record> read(Table table, DataFile file) {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records =
        Parquet.read(table.io().newInputFile(file.location()))
            .project(table.schema())
            .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(table.schema(), fileSchema))
            .build()) {
      records.forEach(rows::add);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return rows;
  }
}
