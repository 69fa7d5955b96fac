package dev.floe.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.IngestConfig;
import dev.floe.core.TestTables;
import dev.floe.core.config.Settings;
import dev.floe.core.schema.EventSchemas;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableBootstrapTest {
  @TempDir Path warehouse;

  @Test
  void createsNamespaceAndTableWithSpecSortOrderAndProperties() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    TableDefinition definition = IngestConfig.from(Settings.empty()).definition();

    Table table = TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, definition);

    assertThat(table.schema().sameSchema(EventSchemas.defaultSchema())).isTrue();
    assertThat(table.spec().fields()).singleElement().satisfies(field -> {
      assertThat(field.transform().toString()).isEqualTo("day");
      assertThat(table.schema().findColumnName(field.sourceId())).isEqualTo("timestamp");
    });
    assertThat(table.sortOrder().fields()).extracting(f -> table.schema().findColumnName(f.sourceId()))
        .containsExactly("do_id", "seq");
    assertThat(table.sortOrder().fields()).allMatch(f -> f.direction() == SortDirection.ASC);
    assertThat(table.properties())
        .containsEntry("write.parquet.compression-codec", "zstd")
        .containsEntry("write.parquet.bloom-filter-enabled.column.do_id", "true")
        .containsEntry("write.target-file-size-bytes", String.valueOf(128L * 1024 * 1024));
    assertThat(catalog.namespaceExists(TestTables.EVENTS.namespace())).isTrue();

    Table again = TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, definition);
    assertThat(again.uuid()).isEqualTo(table.uuid());
  }

  @Test
  void anExplicitSchemaMustMatchAnExistingTable() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(
        TestTables.EVENTS,
        new Schema(
            Types.NestedField.required(1, "do_id", Types.StringType.get()),
            Types.NestedField.required(2, "seq", Types.IntegerType.get()),
            Types.NestedField.required(3, "tenant", Types.StringType.get())));
    Schema wanted =
        new Schema(
            Types.NestedField.required(1, "do_id", Types.StringType.get()),
            Types.NestedField.required(2, "seq", Types.LongType.get()),
            Types.NestedField.optional(3, "key", Types.StringType.get()));
    TableDefinition definition = new TableDefinition(wanted, true, PartitionSpec.unpartitioned(), List.of(), Map.of());

    assertThatThrownBy(() -> TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, definition))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessage(
            "Cannot write table do_state.changes: it is not compatible with floe's schema:"
                + " column 'seq' is int in the table but long in the schema;"
                + " column 'key' is missing from the table;"
                + " required column 'tenant' of the table is not in the schema");
  }

  @Test
  void aTableWithColumnsFloeCannotWriteIsRefused() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(
        TestTables.EVENTS,
        new Schema(
            Types.NestedField.required(1, "do_id", Types.StringType.get()),
            Types.NestedField.optional(2, "tags", Types.MapType.ofOptional(3, 4, Types.StringType.get(), Types.StringType.get()))));
    TableDefinition definition = IngestConfig.from(Settings.empty()).definition();

    assertThatThrownBy(() -> TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, definition))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessageEndingWith("column 'tags' has type map<string, string>, which floe cannot write");
  }
}
