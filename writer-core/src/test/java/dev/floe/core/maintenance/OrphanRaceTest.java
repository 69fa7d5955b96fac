package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orphan sweep while ingest commits: a commit landing while the sweep lists the table location
 * is the normal case for a table ingested every minute. The sweep lists again, and when every
 * listing races a commit it skips the run; it never deletes a file the table references.
 */
class OrphanRaceTest {
  private static final Instant NOW = Instant.now();

  @TempDir Path dir;
  private Fixture fixture;
  private Path orphan;

  @BeforeEach
  void setUp() throws IOException {
    fixture = new Fixture(dir);
    for (int i = 0; i < 3; i++) {
      fixture.ingest("batch-" + i, i * 30L, 30);
    }
    Table table = fixture.table();
    Path data = Fixture.path(Fixture.liveFiles(table).get(0).location()).getParent();
    orphan = Files.writeString(data.resolve("dead-run.parquet"), "old");
    Files.setLastModifiedTime(orphan, FileTime.from(NOW.minus(Duration.ofDays(4))));
  }

  @Test
  void aCommitDuringTheListingMakesTheSweepListAgain() {
    Table racing = tableWhoseListings(1);

    OrphanResult result = maintenance(racing).removeOrphans();

    assertThat(result.skipped()).isFalse();
    assertThat(result.orphans()).containsExactly("file:" + orphan.toAbsolutePath());
    assertThat(result.orphansDeleted()).isEqualTo(1);
    assertThat(orphan).doesNotExist();
    assertEveryReferencedFileExists(4);
  }

  @Test
  void whenEveryListingRacesACommitTheSweepSkipsThisRunAndDeletesNothing() {
    Table racing = tableWhoseListings(OrphanSweep.LISTING_ATTEMPTS);

    OrphanResult result = maintenance(racing).removeOrphans();

    assertThat(result.skipped()).isTrue();
    assertThat(result.skipReason())
        .hasValue(
            "a commit landed during each of 3 listings of " + racing.location()
                + ", so no listing shows the table as its metadata is; nothing was deleted");
    assertThat(result.summary())
        .isEqualTo(
            "orphan files: skipped, a commit landed during each of 3 listings of " + racing.location()
                + ", so no listing shows the table as its metadata is; nothing was deleted");
    assertThat(result.orphans()).isEmpty();
    assertThat(result.orphansDeleted()).isZero();
    assertThat(orphan).exists();
    assertEveryReferencedFileExists(3 + OrphanSweep.LISTING_ATTEMPTS);
  }

  @Test
  void maintainAllFinishesWithTheSweepSkipped() {
    Table racing = tableWhoseListings(Integer.MAX_VALUE);

    MaintenanceResult result = maintenance(racing).all();

    assertThat(result.orphans().skipped()).isTrue();
    assertThat(result.summary().get(3)).startsWith("orphan files: skipped, a commit landed during each of 3 listings");
    assertThat(orphan).exists();
    assertEveryReferencedFileExists(3 + OrphanSweep.LISTING_ATTEMPTS);
  }

  private TableMaintenance maintenance(Table table) {
    return TableMaintenance.builder(table).config(MaintenanceConfig.defaults()).clock(Fixture.fixed(NOW)).build();
  }

  private void assertEveryReferencedFileExists(int batches) {
    Table table = fixture.table();
    table.refresh();
    assertThat(ReachableFiles.of(table)).allSatisfy(location -> {
      if (!location.endsWith("version-hint.text")) {
        assertThat(Fixture.path(location)).exists();
      }
    });
    assertThat(Fixture.rowMultiset(table).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30L * batches);
  }

  /**
   * The fixture's table, seen through a FileIO whose first {@code racingListings} listings each
   * end with an ingest committing to the table, after the listing was taken and before the sweep
   * reads the metadata again.
   */
  private Table tableWhoseListings(int racingListings) {
    TableOperations ops = ((HasTableOperations) fixture.table()).operations();
    int[] listings = {0};
    RacingIo io =
        new RacingIo(
            (SupportsPrefixOperations) ops.io(),
            () -> {
              if (listings[0] < racingListings) {
                int batch = 3 + listings[0]++;
                fixture.ingest("batch-" + batch, batch * 30L, 30);
              }
            });
    return FileIoTables.withIo(fixture.table(), io);
  }

  /** A listing FileIO that runs a hook after each listing. */
  private static final class RacingIo implements SupportsPrefixOperations {
    private final SupportsPrefixOperations delegate;
    private final Runnable afterListing;

    RacingIo(SupportsPrefixOperations delegate, Runnable afterListing) {
      this.delegate = delegate;
      this.afterListing = afterListing;
    }

    @Override
    public Iterable<FileInfo> listPrefix(String prefix) {
      List<FileInfo> files = new ArrayList<>();
      delegate.listPrefix(prefix).forEach(files::add);
      afterListing.run();
      return files;
    }

    @Override
    public void deletePrefix(String prefix) {
      delegate.deletePrefix(prefix);
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
      delegate.deleteFile(path);
    }

    @Override
    public Map<String, String> properties() {
      return delegate.properties();
    }
  }
}
