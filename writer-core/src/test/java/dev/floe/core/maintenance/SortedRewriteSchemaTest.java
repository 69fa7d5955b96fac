package dev.floe.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.TestTables;
import dev.floe.core.config.DataSize;
import dev.floe.core.schema.EventSchemas;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sorted rewrite of tables whose schema changed after their files were written: the flat path
 * reads a column added since as null and skips a dropped one; a column type it does not cover
 * sends the group through Iceberg's generic records. Every row and value is kept either way.
 */
class SortedRewriteSchemaTest {
  @TempDir Path dir;
  private Fixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new Fixture(dir);
    for (int i = 0; i < 6; i++) {
      fixture.ingest("batch-" + i, i * 100L, 100);
    }
  }

  @Test
  void floesOwnSchemaTakesTheFlatPath() {
    Table table = fixture.table();
    assertThat(FlatLayout.of(EventSchemas.defaultSchema(), table.sortOrder())).isNotNull();
    assertThat(FlatLayout.of(table.schema(), table.sortOrder())).isNotNull();
  }

  @Test
  void aColumnAddedAndOneDroppedSinceTheFilesWereWritten() {
    Table table = fixture.table();
    table.updateSchema().addColumn("region", Types.StringType.get()).deleteColumn("ns").commit();
    assertThat(FlatLayout.of(table.schema(), table.sortOrder())).isNotNull();

    sortAndCheck(table);
    assertThat(values(table, "region")).containsOnlyNulls();
  }

  @Test
  void aColumnTypeTheFlatPathDoesNotCoverGoesThroughGenericRecords() {
    Table table = fixture.table();
    table.updateSchema().addColumn("score", Types.DoubleType.get()).commit();
    assertThat(FlatLayout.of(table.schema(), table.sortOrder())).isNull();

    sortAndCheck(table);
    assertThat(values(table, "score")).containsOnlyNulls();
  }

  private void sortAndCheck(Table table) {
    Map<List<Object>, Long> rowsBefore = Fixture.rowMultiset(table);
    MaintenanceConfig config = Fixture.config(DataSize.ofMegabytes(16));
    config = config.withCompaction(config.compaction().sorted(50)); // 200 rows a day: spilled runs

    CompactionResult result = TableMaintenance.builder(table).config(config).tempDirectory(dir.resolve("tmp")).build().compact();

    assertThat(result.groupsCommitted()).isEqualTo(3);
    assertThat(Fixture.rowMultiset(table)).isEqualTo(rowsBefore);
    SortOrder order = table.sortOrder();
    for (DataFile file : Fixture.liveFiles(table)) {
      assertThat(file.sortOrderId()).isEqualTo(order.orderId());
      assertThat(CompactionTest.read(table, file))
          .hasSize((int) file.recordCount())
          .isSortedAccordingTo(
              Comparator.comparing((Record r) -> (String) r.getField("do_id")).thenComparing(r -> (Long) r.getField("seq")));
    }
    assertThat(dir.resolve("tmp")).isEmptyDirectory();
  }

  private static List<Object> values(Table table, String column) {
    return TestTables.rows(table).stream().map(row -> row.getField(column)).toList();
  }
}
