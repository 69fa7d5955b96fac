package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;

class MaintenanceConfigTest {
  @Test
  void defaults() {
    MaintenanceConfig config = MaintenanceConfig.defaults();

    assertThat(config.table()).isEqualTo(TableIdentifier.of("do_state", "changes"));
    assertThat(config.compaction()).isEqualTo(CompactionOptions.defaults());
    assertThat(config.compaction().targetFileSize()).isEqualTo(DataSize.ofMegabytes(128));
    assertThat(config.compaction().maxBytes()).isEqualTo(DataSize.parse("2GB"));
    assertThat(config.compaction().smallFileBytes()).isEqualTo(DataSize.ofMegabytes(96).bytes());
    assertThat(config.expiry()).isEqualTo(new ExpiryOptions(Duration.ofDays(1), 1, Duration.ofDays(7)));
    assertThat(config.orphans().minAge()).isEqualTo(Duration.ofDays(3));
    assertThat(config.manifests()).isEqualTo(new ManifestOptions(32, 100));
    assertThat(config.write().targetFileSize()).isEqualTo(DataSize.ofMegabytes(128));
    assertThat(config.write().bloomFilterColumns()).containsExactly("do_id");
    assertThat(MaintenanceConfig.keys()).contains("maintain.compaction.sort", "commit.dedupe-window", "table", "write.zstd-level");
  }

  @Test
  void mapsEveryKey() {
    Settings settings =
        Settings.of(
            Map.ofEntries(
                Map.entry("table", "ns.events"),
                Map.entry("maintain.compaction.target-file-size", "64MB"),
                Map.entry("maintain.compaction.min-input-files", "8"),
                Map.entry("maintain.compaction.min-age", "30m"),
                Map.entry("maintain.compaction.max-bytes", "10GB"),
                Map.entry("maintain.compaction.max-group-size", "512MB"),
                Map.entry("maintain.compaction.sort", "true"),
                Map.entry("maintain.compaction.sort-buffer-rows", "5000"),
                Map.entry("maintain.compaction.sort-buffer-size", "64MB"),
                Map.entry("maintain.compaction.sorted-row-group-size", "4MB"),
                Map.entry("maintain.expire.older-than", "2d"),
                Map.entry("maintain.expire.retain-last", "20"),
                Map.entry("commit.dedupe-window", "14d"),
                Map.entry("maintain.orphans.min-age", "5d"),
                Map.entry("maintain.manifests.min-count", "10"),
                Map.entry("maintain.metadata.previous-versions-max", "50"),
                Map.entry("write.zstd-level", "9")),
            "test");

    MaintenanceConfig config = MaintenanceConfig.from(settings);

    assertThat(config.table()).isEqualTo(TableIdentifier.of("ns", "events"));
    assertThat(config.compaction())
        .isEqualTo(
            new CompactionOptions(
                DataSize.ofMegabytes(64), 8, Duration.ofMinutes(30), DataSize.parse("10GB"), DataSize.ofMegabytes(512), true, 5000,
                DataSize.ofMegabytes(64), DataSize.ofMegabytes(4)));
    assertThat(config.expiry()).isEqualTo(new ExpiryOptions(Duration.ofDays(2), 20, Duration.ofDays(14)));
    assertThat(config.orphans()).isEqualTo(new OrphanOptions(Duration.ofDays(5)));
    assertThat(config.manifests()).isEqualTo(new ManifestOptions(10, 50));
    assertThat(config.write().zstdLevel()).isEqualTo(9);
    assertThat(config.write().targetFileSize()).isEqualTo(DataSize.ofMegabytes(64));
  }

  @Test
  void reportsInvalidValuesWithTheirKeyAndOrigin() {
    assertThatThrownBy(() -> MaintenanceConfig.from(Settings.of(Map.of("maintain.orphans.min-age", "soon"), "test")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid value for maintain.orphans.min-age (test): 'soon': expected a duration such as 30s, 5m, 2h, 7d or PT1H");
    assertThatThrownBy(() -> MaintenanceConfig.from(Settings.of(Map.of("maintain.expire.retain-last", "0"), "flags")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid expire retain-last: 0 (at least 1) (maintain.expire.retain-last from flags)");
    assertThatThrownBy(
            () ->
                MaintenanceConfig.from(
                    Settings.of(
                        Map.of("maintain.compaction.target-file-size", "2GB", "maintain.compaction.max-group-size", "1GB"),
                        "file")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid compaction max group size: 1GB (at least the target file size 2GB)"
                + " (maintain.compaction.target-file-size from file, maintain.compaction.max-group-size from file)");
  }
}
