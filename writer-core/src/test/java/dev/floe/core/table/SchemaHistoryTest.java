package dev.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.TestTables;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaHistoryTest {
  @TempDir Path warehouse;

  private static final Schema BEFORE =
      new Schema(
          Types.NestedField.required(1, "id", Types.StringType.get()),
          Types.NestedField.required(2, "n", Types.IntegerType.get()),
          Types.NestedField.optional(3, "order", Types.StructType.of(Types.NestedField.required(4, "sku", Types.StringType.get()))),
          Types.NestedField.optional(5, "old", Types.StringType.get()));

  @Test
  void namesEachChangeByFieldIdOnceAtItsTopmostField() {
    Schema after =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.optional(2, "n", Types.LongType.get()),
            Types.NestedField.optional(
                3,
                "order",
                Types.StructType.of(
                    Types.NestedField.required(4, "code", Types.StringType.get()),
                    Types.NestedField.optional(6, "note", Types.StringType.get()))),
            Types.NestedField.optional(
                7, "lines", Types.ListType.ofOptional(8, Types.StructType.of(Types.NestedField.optional(9, "x", Types.IntegerType.get())))));

    assertThat(SchemaHistory.changes(BEFORE, after))
        .containsExactly(
            "widened n from int to long",
            "made n optional",
            "renamed order.sku to order.code",
            "added order.note string",
            "added lines list<struct<9: x: optional int>>",
            "dropped old");
  }

  @Test
  void aSchemaNoSnapshotWasWrittenWithIsDatedFromTheMetadataLog() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    Table table = catalog.createTable(TestTables.EVENTS, BEFORE);
    long beforeEvolving = System.currentTimeMillis();
    table.updateSchema().addColumn("tag", Types.StringType.get()).commit();
    table.updateSchema().addColumn("more", Types.StringType.get()).commit();

    List<SchemaHistory.Entry> history = SchemaHistory.of(catalog.loadTable(TestTables.EVENTS));

    assertThat(history).extracting(SchemaHistory.Entry::schemaId).containsExactly(0, 1, 2);
    assertThat(history).allSatisfy(entry -> assertThat(entry.sinceSnapshotId()).isEmpty());
    assertThat(history.get(0).since().orElseThrow().toEpochMilli()).isLessThanOrEqualTo(beforeEvolving);
    assertThat(history.get(1).since().orElseThrow().toEpochMilli()).isGreaterThanOrEqualTo(beforeEvolving);
    assertThat(history.get(2).since().orElseThrow()).isAfterOrEqualTo(history.get(1).since().orElseThrow());
    assertThat(history.get(2).current()).isTrue();
    assertThat(history.get(2).changes()).containsExactly("added more string");
  }

  @Test
  void aColumnMarkedAsJsonOrUnmarkedIsAChange() {
    Schema marked =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.required(2, "n", Types.IntegerType.get()),
            Types.NestedField.optional(3, "order", Types.StructType.of(Types.NestedField.required(4, "sku", Types.StringType.get(), "json"))),
            Types.NestedField.optional(5, "old", Types.StringType.get(), "json"));

    assertThat(SchemaHistory.changes(BEFORE, marked)).containsExactly("marked order.sku as json", "marked old as json");
    assertThat(SchemaHistory.changes(marked, BEFORE)).containsExactly("unmarked order.sku as json", "unmarked old as json");
  }

  @Test
  void theSameSchemaHasNoChanges() {
    assertThat(SchemaHistory.changes(BEFORE, BEFORE)).isEmpty();
  }
}
