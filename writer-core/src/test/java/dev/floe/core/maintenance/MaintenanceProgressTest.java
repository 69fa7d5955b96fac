package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.DataSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What maintenance tells its progress listener: each step's start and end, and each compaction group. */
class MaintenanceProgressTest {
  @TempDir Path dir;

  @Test
  void reportsEveryStepAndEveryCompactionGroupWithItsBytes() {
    Fixture fixture = new Fixture(dir);
    for (int i = 0; i < 12; i++) {
      assertThat(fixture.ingest("batch-" + i, i * 300L, 300).committed()).isTrue();
    }
    Table table = fixture.table();
    List<MaintenanceProgress> told = new ArrayList<>();
    TableMaintenance maintenance = TableMaintenance.builder(table)
        .config(Fixture.config(DataSize.ofKilobytes(256)))
        .clock(Fixture.clockAhead(Duration.ofDays(10)))
        .progress(told::add)
        .build();

    CompactionPlan plan = maintenance.planCompaction();
    told.clear();
    MaintenanceResult result = maintenance.all();

    int groups = plan.groups().size();
    assertThat(groups).as("one group per day partition").isEqualTo(3);
    assertThat(result.compaction().groupsCommitted()).isEqualTo(groups);
    List<MaintenanceProgress> compaction = told.stream().filter(p -> p.step().equals(MaintenanceProgress.COMPACTION)).toList();
    assertThat(compaction).hasSize(groups + 1);
    assertThat(compaction.get(0)).isEqualTo(new MaintenanceProgress(MaintenanceProgress.COMPACTION, 0, groups, 0, plan.inputBytes()));
    long bytes = 0;
    for (int done = 1; done <= groups; done++) {
      bytes += plan.groups().get(done - 1).bytes();
      assertThat(compaction.get(done)).isEqualTo(new MaintenanceProgress(MaintenanceProgress.COMPACTION, done, groups, bytes, plan.inputBytes()));
    }
    assertThat(compaction.get(groups).finished()).isTrue();
    assertThat(told.stream().map(p -> p.step() + " " + p.done() + "/" + p.total()).distinct().toList())
        .containsSubsequence(
            "compaction plan 0/1", "compaction plan 1/1", "compaction 0/3", "compaction 3/3",
            "manifests 0/1", "manifests 1/1", "snapshot expiry 0/1", "snapshot expiry 1/1",
            "orphan files 0/1", "orphan files 1/1");
    assertThat(told.get(told.size() - 1)).isEqualTo(new MaintenanceProgress(MaintenanceProgress.ORPHANS, 1, 1, 0, 0));
  }

  @Test
  void progressCannotRunPastItsTotal() {
    assertThatThrownBy(() -> new MaintenanceProgress(MaintenanceProgress.COMPACTION, 4, 3, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid progress of compaction: 4 of 3, 0 of 0 bytes");
  }
}
