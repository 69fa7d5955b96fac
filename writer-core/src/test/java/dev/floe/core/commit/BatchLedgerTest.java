package dev.floe.core.commit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.table.TableBootstrap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLedgerTest {
  @TempDir Path warehouse;

  @Test
  void digestsAnEarlierFloeRecordedInlineOrCarriedIntoTablePropertiesCountAsCommitted() {
    Table table =
        TableBootstrap.loadOrCreate(
            TestTables.catalog(warehouse), TestTables.EVENTS, IngestConfig.from(Settings.empty()).definition());
    String fresh = BatchLedger.digest("fresh");
    // What floe wrote before the ledger: digests inline in the summary, and carried in properties.
    table.newAppend()
        .appendFile(file(table, "old"))
        .set(BatchLedger.RUN_ID, "old-run")
        .set(BatchLedger.BATCH_IDS, "live1,live2")
        .set(BatchLedger.BATCH_COUNT, "2")
        .commit();
    new Committer(CommitOptions.defaults()).commit(table, List.of(file(table, "new")), "run-1", List.of(fresh), Map.of());
    table
        .updateProperties()
        .set(BatchLedger.carriedKey(1_700_000_000_000L), "gone1,gone2")
        .set(BatchLedger.carriedKey(1_700_000_000_001L), "gone3")
        .set("floe.carriedish", "notme")
        .commit();

    assertThat(BatchLedger.committed(table, List.of("live2", "gone2", "gone3", "notme", "new", fresh)))
        .containsExactlyInAnyOrder("live2", "gone2", "gone3", fresh);
    assertThat(BatchLedger.carriedKey(1_700_000_000_000L)).isEqualTo("floe.carried.1700000000000");
  }

  private static DataFile file(Table table, String name) {
    return DataFiles.builder(table.spec())
        .withPath(table.location() + "/data/timestamp_day=2026-11-01/" + name + ".parquet")
        .withPartitionPath("timestamp_day=2026-11-01")
        .withFileSizeInBytes(100)
        .withRecordCount(1)
        .build();
  }

  @Test
  void carriedKeysAreDatedByTheirCommitTimeWithOrWithoutARunId() {
    assertThat(BatchLedger.carriedKey(1_700_000_000_000L)).isEqualTo("floe.carried.1700000000000");
    assertThat(BatchLedger.carriedKey(1_700_000_000_000L, "20231114T221320Z-0a1b2c3d"))
        .isEqualTo("floe.carried.1700000000000.20231114T221320Z-0a1b2c3d");
    assertThat(BatchLedger.carriedAt("floe.carried.1700000000000")).isEqualTo(1_700_000_000_000L);
    assertThat(BatchLedger.carriedAt("floe.carried.1700000000000.20231114T221320Z-0a1b2c3d")).isEqualTo(1_700_000_000_000L);
    assertThat(BatchLedger.carriedAt("floe.carried.someone-else")).isEqualTo(Long.MAX_VALUE);
    assertThat(BatchLedger.carriedAt("write.format.default")).isEqualTo(Long.MAX_VALUE);

    Map<String, String> properties =
        Map.of(
            "floe.carried.1000", "a,b",
            "floe.carried.2000.run-2", "c",
            "floe.carried.3000.run-3", "d, ,e",
            "floe.carried.someone-else", "f",
            "floe.batch-ids", "not-carried");
    assertThat(BatchLedger.carriedBefore(properties, 3000)).containsExactly("floe.carried.1000", "floe.carried.2000.run-2");
    assertThat(BatchLedger.carried(properties)).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
  }
}
