package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.TestTables;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.config.DataSize;
import dev.floe.core.maintenance.CompactionResult.GroupResult;
import dev.floe.core.maintenance.CompactionResult.Status;
import dev.floe.core.schema.EventSchemas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance commits whose answer is lost: the catalog applied the commit and the connection was
 * reset, or the REST client sent it again and the resend conflicts with the commit that landed.
 * Whatever floe reports, the table must still reference only files that exist, with the same rows.
 */
class MaintenanceCommitFaultsTest {
  private static final DataSize TARGET = DataSize.ofKilobytes(256);

  @TempDir Path dir;
  private Fixture fixture;
  private Table table;
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    for (int i = 0; i < 12; i++) {
      fixture.ingest("batch-" + i, i * 60L, 60);
    }
    table = fixture.table();
    // Iceberg's own retries stay on (the resend case needs them), without waiting between them.
    table.updateProperties().set(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "0").set(TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "0").commit();
  }

  private TableMaintenance maintenance(Table target, MaintenanceConfig config) {
    return TableMaintenance.builder(target).config(config).sleeper(sleeps::add).tempDirectory(dir.resolve("tmp")).build();
  }

  @Test
  void aCompactionCommitThatLandedBeforeTheConnectionWasResetIsRecognisedAndKeepsItsFiles() {
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    Table reset = CommitFaults.landsThenFails(table, CommitFaults.COMPACTION, 1, CommitFaults::connectionReset);

    CompactionResult result = maintenance(reset, Fixture.config(TARGET)).compact();

    assertThat(result.groups()).extracting(GroupResult::status).containsOnly(Status.COMMITTED);
    assertThat(result.groups()).allSatisfy(group -> assertThat(group.snapshotId()).isNotNull());
    assertThat(CommitFaults.missingReferencedFiles(table)).isEmpty();
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
    assertThat(compactionSnapshots()).hasSize(3);
  }

  @Test
  void aCompactionSentAgainAfterItLandedAndAnIngestIsRecognisedAndLosesNothing() {
    Map<String, Long> keys = Fixture.keyMultiset(table);
    for (int i = 0; i < 60; i++) {
      keys.merge("do-" + ((10_000 + i) % 97) + "/" + (10_000 + i), 1L, Long::sum);
    }
    // The catalog applied the first request and an ingest committed on top; the REST client resends
    // after a 503 and the resend no longer matches the table. Iceberg reloads and applies the
    // rewrite again, to a table where its input files are gone and its own snapshot is an ancestor.
    Table resent = CommitFaults.landsThenFails(
        table, CommitFaults.COMPACTION, 1, () -> fixture.writer().ingest(Fixture.batch("concurrent", 10_000, 60)),
        () -> new CommitFailedException("Requirement failed: branch main has changed"));

    CompactionResult result = maintenance(resent, Fixture.config(TARGET)).compact();

    assertThat(result.groups()).extracting(GroupResult::status).containsOnly(Status.COMMITTED);
    assertThat(CommitFaults.missingReferencedFiles(table)).isEmpty();
    assertThat(Fixture.keyMultiset(table)).isEqualTo(keys);
    assertThat(compactionSnapshots()).hasSize(3);
  }

  @Test
  void aCompactionCommitResetBeforeItLandedIsReportedAsUnknownAndKeepsItsFiles() {
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    long snapshot = table.currentSnapshot().snapshotId();
    int filesOnDisk = Fixture.dataFilesOnDisk(table).size();
    Table reset = CommitFaults.failsWithoutLanding(table, CommitFaults.COMPACTION, CommitFaults::connectionReset);

    assertThatThrownBy(() -> maintenance(reset, Fixture.config(TARGET)).compact())
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether compaction ")
        .hasMessageContaining(" of partition timestamp_day=2026-11-01 committed to test.do_state.changes: ")
        .hasMessageContaining("Connection reset")
        .hasMessageContaining("Its files were NOT deleted");
    // The group's new file stays for orphan removal; the table did not change.
    assertThat(Fixture.dataFilesOnDisk(table)).hasSize(filesOnDisk + 1);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(CommitFaults.missingReferencedFiles(table)).isEmpty();
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
  }

  @Test
  void aManifestRewriteThatLandedBeforeTheConnectionWasResetIsReportedAsDone() {
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    Table reset = CommitFaults.landsThenFails(table, CommitFaults.MANIFEST_REWRITE, 1, CommitFaults::connectionReset);

    ManifestResult result = maintenance(reset, manifests(12)).rewriteManifests();

    table.refresh();
    assertThat(result.rewritten()).isTrue();
    assertThat(result.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(result.manifestsAfter()).isEqualTo(1);
    assertThat(CommitFaults.missingReferencedFiles(table)).isEmpty();
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
  }

  @Test
  void aManifestRewriteSentAgainAfterItLandedIsNotRewrittenTwice() {
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    Table resent = CommitFaults.landsThenFails(
        table, CommitFaults.MANIFEST_REWRITE, 1, () -> new CommitFailedException("Requirement failed: branch main has changed"));

    ManifestResult result = maintenance(resent, manifests(12)).rewriteManifests();

    table.refresh();
    assertThat(result.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(StreamSupport.stream(table.snapshots().spliterator(), false)
            .filter(s -> "rewrite-manifests".equals(s.summary().get(CompactionRunner.OPERATION))))
        .hasSize(1);
    assertThat(CommitFaults.missingReferencedFiles(table)).isEmpty();
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
  }

  @Test
  void aPropertyUpdateThatLandedBeforeTheConnectionWasResetIsReportedAsDone() {
    var catalog = TestTables.catalog(dir.resolve("warehouse"));
    catalog.createNamespace(Namespace.of("other"));
    Table plain = catalog.createTable(TableIdentifier.of("other", "plain"), EventSchemas.defaultSchema(), PartitionSpec.unpartitioned());
    Table reset = CommitFaults.landsThenFails(plain, CommitFaults.PROPERTIES, 1, CommitFaults::connectionReset);

    ManifestResult result = maintenance(reset, manifests(32)).rewriteManifests();

    assertThat(result.propertiesSet()).containsEntry(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
    plain.refresh();
    assertThat(plain.properties()).containsEntry(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
  }

  @Test
  void aPropertyUpdateResetBeforeItLandedIsReportedAsUnknown() {
    var catalog = TestTables.catalog(dir.resolve("warehouse"));
    catalog.createNamespace(Namespace.of("other"));
    Table plain = catalog.createTable(TableIdentifier.of("other", "plain"), EventSchemas.defaultSchema(), PartitionSpec.unpartitioned());
    Table reset = CommitFaults.failsWithoutLanding(plain, CommitFaults.PROPERTIES, CommitFaults::connectionReset);

    assertThatThrownBy(() -> maintenance(reset, manifests(32)).rewriteManifests())
        .isInstanceOf(CommitUnknownException.class)
        .hasMessageStartingWith("Cannot tell whether the property update of manifest maintenance ")
        .hasMessageContaining(" committed to test.other.plain: ")
        .hasMessageContaining("Connection reset");
  }

  @Test
  void anExpiryThatLandedBeforeTheConnectionWasResetIsReportedAsDone() {
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);
    List<Long> before = snapshotIds();
    Table reset = CommitFaults.landsThenFails(table, CommitFaults.EXPIRY, 1, CommitFaults::connectionReset);
    MaintenanceConfig config =
        MaintenanceConfig.defaults().withExpiry(ExpiryOptions.defaults().withOlderThan(Duration.ofMinutes(30)).withRetainLast(4));

    ExpiryResult result =
        TableMaintenance.builder(reset).config(config).clock(Fixture.clockAhead(Duration.ofHours(1))).build().expireSnapshots();

    assertThat(result.expiredSnapshotIds()).isEqualTo(before.subList(0, before.size() - 4));
    assertThat(snapshotIds()).isEqualTo(before.subList(before.size() - 4, before.size()));
    assertThat(CommitFaults.missingReferencedFiles(table)).isEmpty();
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
  }

  private static MaintenanceConfig manifests(int minCount) {
    return MaintenanceConfig.defaults().withManifests(new ManifestOptions(minCount, ManifestOptions.DEFAULT_PREVIOUS_VERSIONS_MAX));
  }

  private List<Snapshot> compactionSnapshots() {
    table.refresh();
    return StreamSupport.stream(table.snapshots().spliterator(), false)
        .filter(snapshot -> "compaction".equals(snapshot.summary().get(CompactionRunner.OPERATION)))
        .toList();
  }

  private List<Long> snapshotIds() {
    table.refresh();
    return StreamSupport.stream(table.snapshots().spliterator(), false).map(Snapshot::snapshotId).toList();
  }
}
