package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.config.DataSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintain expire} deletes the files of expired snapshots with the FileIO's bulk delete where
 * it has one (S3FileIO), one by one otherwise, and counts what it deleted either way.
 */
class ExpiryBulkDeleteTest {
  @TempDir Path dir;
  private Fixture fixture;
  private Set<Path> replaced;
  private Set<Path> live;
  private Set<Path> onDiskBefore;
  private Map<List<Object>, Long> rows;

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    for (int i = 0; i < 6; i++) {
      fixture.ingest("batch-" + i, i * 30L, 30);
    }
    Table table = fixture.table();
    replaced = paths(Fixture.liveFiles(table));
    TableMaintenance.builder(table).config(Fixture.config(DataSize.ofKilobytes(256))).build().compact();
    live = paths(Fixture.liveFiles(table));
    rows = Fixture.rowMultiset(table);
    onDiskBefore = new HashSet<>(Fixture.allFilesOnDisk(table));
  }

  @Test
  void aFileIoWithBulkDeleteGetsTheFilesInBulk() {
    CountingIo io = new BulkCountingIo(fixture.table().io(), 0);

    ExpiryResult result = expire(io);

    assertThat(io.singleDeletes).isZero();
    // One request each for the data files, the manifests and manifest lists, the ledger files.
    assertThat(io.bulkCalls).isEqualTo(3);
    assertThat(io.bulkDeleted.stream().map(Fixture::path).collect(Collectors.toSet())).isEqualTo(deletedThroughTheFileIo());
    assertDeletedExactlyWhatOnlyExpiredSnapshotsReferenced(result);
  }

  @Test
  void aFileIoWithoutBulkDeleteGetsTheFilesOneByOne() {
    CountingIo io = new CountingIo(fixture.table().io());

    ExpiryResult result = expire(io);

    assertThat(io.bulkCalls).isZero();
    assertThat(io.singleDeletes).isEqualTo(deletedThroughTheFileIo().size());
    assertDeletedExactlyWhatOnlyExpiredSnapshotsReferenced(result);
  }

  @Test
  void filesABulkDeleteFailedOnAreNotCountedAsDeleted() {
    CountingIo io = new BulkCountingIo(fixture.table().io(), 2);

    ExpiryResult result = expire(io);

    assertThat(io.bulkCalls).isEqualTo(3);
    assertThat(result.dataFilesDeleted()).isEqualTo(replaced.size() - 2);
    assertThat(result.snapshotsAfter()).isEqualTo(1);
    assertThat(Fixture.rowMultiset(fixture.table())).isEqualTo(rows);
  }

  private ExpiryResult expire(FileIO io) {
    Table table = FileIoTables.withIo(fixture.table(), io);
    return TableMaintenance.builder(table)
        .config(MaintenanceConfig.defaults().withExpiry(ExpiryOptions.defaults().withOlderThan(Duration.ofHours(1)).withRetainLast(1)))
        .clock(Fixture.clockAhead(Duration.ofDays(1)))
        .build()
        .expireSnapshots();
  }

  private void assertDeletedExactlyWhatOnlyExpiredSnapshotsReferenced(ExpiryResult result) {
    Table table = fixture.table();
    Set<Path> onDisk = new HashSet<>(Fixture.allFilesOnDisk(table));
    Set<Path> deleted = new HashSet<>(onDiskBefore);
    deleted.removeAll(onDisk);
    assertThat(result.snapshotsAfter()).isEqualTo(1);
    assertThat(result.dataFilesDeleted()).isEqualTo(replaced.size()).isPositive();
    assertThat(deleted.stream().filter(p -> p.toString().endsWith(".parquet")).collect(Collectors.toSet())).isEqualTo(replaced);
    assertThat(deleted.stream().filter(p -> p.toString().endsWith(".avro")).count()).isEqualTo(result.manifestsDeleted()).isPositive();
    assertThat(onDisk).containsAll(live);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
  }

  /** The files gone from disk, except old metadata.json versions, which the catalog deletes. */
  private Set<Path> deletedThroughTheFileIo() {
    Set<Path> deleted = new HashSet<>(onDiskBefore);
    deleted.removeAll(Fixture.allFilesOnDisk(fixture.table()));
    deleted.removeIf(path -> path.toString().endsWith(".metadata.json"));
    return deleted;
  }

  private static Set<Path> paths(List<DataFile> files) {
    return files.stream().map(file -> Fixture.path(file.location())).collect(Collectors.toSet());
  }

  /** The table's FileIO, counting deletions. */
  private static class CountingIo implements FileIO {
    final FileIO delegate;
    int singleDeletes;
    int bulkCalls;
    final List<String> bulkDeleted = new ArrayList<>();

    CountingIo(FileIO delegate) {
      this.delegate = delegate;
    }

    @Override
    public InputFile newInputFile(String path) {
      return delegate.newInputFile(path);
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return delegate.newOutputFile(path);
    }

    @Override
    public void deleteFile(String path) {
      singleDeletes++;
      delegate.deleteFile(path);
    }

    @Override
    public Map<String, String> properties() {
      return delegate.properties();
    }
  }

  /** A counting FileIO with bulk deletion, whose first request fails on {@code failFirst} files. */
  private static final class BulkCountingIo extends CountingIo implements SupportsBulkOperations {
    private int failFirst;

    BulkCountingIo(FileIO delegate, int failFirst) {
      super(delegate);
      this.failFirst = failFirst;
    }

    @Override
    public void deleteFiles(Iterable<String> paths) {
      bulkCalls++;
      List<String> all = StreamSupport.stream(paths.spliterator(), false).toList();
      int failing = Math.min(failFirst, all.size());
      failFirst = 0;
      for (String path : all.subList(failing, all.size())) {
        delegate.deleteFile(path);
        bulkDeleted.add(path);
      }
      if (failing > 0) {
        throw new BulkDeletionFailureException(failing);
      }
    }
  }
}
