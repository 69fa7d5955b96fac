package dev.floe.core.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.table.TableBootstrap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLedgerTest {
  @TempDir Path warehouse;

  @Test
  void digestsCarriedIntoTablePropertiesCountAsCommitted() {
    Table table =
        TableBootstrap.loadOrCreate(
            TestTables.catalog(warehouse), TestTables.EVENTS, IngestConfig.from(Settings.empty()).definition());
    new Committer(CommitOptions.defaults())
        .commit(
            table,
            List.of(
                DataFiles.builder(table.spec())
                    .withPath(table.location() + "/data/timestamp_day=2026-11-01/f.parquet")
                    .withPartitionPath("timestamp_day=2026-11-01")
                    .withFileSizeInBytes(100)
                    .withRecordCount(1)
                    .build()),
            "run-1",
            List.of("live"),
            Map.of());
    table
        .updateProperties()
        .set(BatchLedger.carriedKey(1_700_000_000_000L), "gone1,gone2")
        .set(BatchLedger.carriedKey(1_700_000_000_001L), "gone3")
        .set("floe.carriedish", "notme")
        .commit();

    assertThat(BatchLedger.committed(table, List.of("live", "gone2", "gone3", "notme", "new")))
        .containsExactlyInAnyOrder("live", "gone2", "gone3");
    assertThat(BatchLedger.carriedKey(1_700_000_000_000L)).isEqualTo("floe.carried.1700000000000");
  }
}
