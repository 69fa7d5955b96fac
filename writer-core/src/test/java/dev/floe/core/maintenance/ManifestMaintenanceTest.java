package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.schema.EventSchemas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestMaintenanceTest {
  @TempDir Path dir;

  private static TableMaintenance maintenance(Table table, int minCount) {
    return TableMaintenance.builder(table)
        .config(MaintenanceConfig.defaults().withManifests(new ManifestOptions(minCount, ManifestOptions.DEFAULT_PREVIOUS_VERSIONS_MAX)))
        .build();
  }

  @Test
  void rewritesManyManifestsIntoFewKeepingEveryRow() {
    Fixture fixture = new Fixture(dir);
    for (int i = 0; i < 6; i++) {
      fixture.ingest("batch-" + i, i * 30L, 30);
    }
    Table table = fixture.table();
    Map<List<Object>, Long> rows = Fixture.rowMultiset(table);

    ManifestResult notYet = maintenance(table, 7).rewriteManifests();
    assertThat(notYet.rewritten()).isFalse();
    assertThat(notYet.manifestsAfter()).isEqualTo(6);
    ManifestResult preview = maintenance(table, 6).previewManifests();
    assertThat(preview.rewritten()).isTrue();
    assertThat(preview.manifestsAfter()).isEqualTo(6);

    ManifestResult result = maintenance(table, 6).rewriteManifests();

    assertThat(result.manifestsBefore()).isEqualTo(6);
    assertThat(result.smallManifests()).isEqualTo(6);
    assertThat(result.manifestsAfter()).isEqualTo(1);
    assertThat(result.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(table.currentSnapshot().operation()).isEqualTo("replace");
    assertThat(result.propertiesSet()).isEmpty(); // floe created the table with them
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rows);
  }

  @Test
  void boundsOldMetadataVersionsOfATableCreatedWithoutTheProperties() {
    var catalog = dev.floe.core.TestTables.catalog(dir.resolve("warehouse"));
    catalog.createNamespace(org.apache.iceberg.catalog.Namespace.of("other"));
    Table plain = catalog.createTable(TableIdentifier.of("other", "plain"), EventSchemas.defaultSchema(), PartitionSpec.unpartitioned());
    Table explicit =
        catalog.createTable(
            TableIdentifier.of("other", "explicit"), EventSchemas.defaultSchema(), PartitionSpec.unpartitioned(),
            Map.of(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "false"));

    ManifestResult preview = maintenance(plain, 32).previewManifests();
    assertThat(preview.propertiesSet())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true", TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100"));
    plain.refresh();
    assertThat(plain.properties()).doesNotContainKey(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX);

    ManifestResult result = maintenance(plain, 32).rewriteManifests();
    assertThat(result.summary()).contains("set {write.metadata.delete-after-commit.enabled=true, write.metadata.previous-versions-max=100}");
    plain.refresh();
    assertThat(plain.properties())
        .containsEntry(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
        .containsEntry(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");

    assertThat(maintenance(explicit, 32).rewriteManifests().propertiesSet())
        .containsExactly(Map.entry(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100"));
    explicit.refresh();
    assertThat(explicit.properties()).containsEntry(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "false");
  }
}
