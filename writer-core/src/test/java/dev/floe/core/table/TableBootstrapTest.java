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
import org.apache.iceberg.catalog.TableIdentifier;
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
  void anExplicitSchemaThatLeavesOutARequiredColumnIsRefusedAndNothingElseIsApplied() {
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

    assertThatThrownBy(() -> TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, explicit(wanted)))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessage(
            "Cannot evolve table do_state.changes to the schema definition (the table is left unchanged):"
                + " required column 'tenant' of the table is not in the definition: floe would write null into it,"
                + " and it never drops or renames a column");
    Table table = catalog.loadTable(TestTables.EVENTS);
    assertThat(table.schemas()).hasSize(1);
    assertThat(table.schema().findField("seq").type()).isEqualTo(Types.IntegerType.get());
  }

  @Test
  void listElementsWidenBecomeOptionalAndTheirStructsGainFields() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(
        TestTables.EVENTS,
        new Schema(
            Types.NestedField.optional(1, "counts", Types.ListType.ofRequired(2, Types.IntegerType.get())),
            Types.NestedField.optional(
                3, "lines", Types.ListType.ofOptional(4, Types.StructType.of(Types.NestedField.required(5, "sku", Types.StringType.get()))))));
    Schema wanted =
        new Schema(
            Types.NestedField.optional(1, "counts", Types.ListType.ofOptional(2, Types.LongType.get())),
            Types.NestedField.optional(
                3,
                "lines",
                Types.ListType.ofOptional(
                    4,
                    Types.StructType.of(
                        Types.NestedField.required(5, "sku", Types.StringType.get()),
                        Types.NestedField.optional(6, "note", Types.StringType.get())))));

    Table table = TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, explicit(wanted));

    assertThat(table.schema().findField("counts.element").type()).isEqualTo(Types.LongType.get());
    assertThat(table.schema().findField("counts.element").isOptional()).isTrue();
    assertThat(table.schema().findField("lines.element.note").type()).isEqualTo(Types.StringType.get());
  }

  @Test
  void aDryRunPlansTheEvolutionButLeavesTheTableAsItWas() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(TestTables.EVENTS, new Schema(Types.NestedField.required(1, "id", Types.StringType.get())));
    Schema wanted =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.optional(2, "tag", Types.StringType.get()));

    Table preview = TableBootstrap.loadOrPreview(catalog, TestTables.EVENTS, explicit(wanted));

    assertThat(preview.schema().findField("tag")).isNull();
    assertThat(catalog.loadTable(TestTables.EVENTS).schemas()).hasSize(1);
    Schema refused = new Schema(Types.NestedField.required(1, "id", Types.IntegerType.get()));
    assertThatThrownBy(() -> TableBootstrap.loadOrPreview(catalog, TestTables.EVENTS, explicit(refused)))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessageContaining("field 'id' is string in the table and int in the definition");
  }

  @Test
  void twoWritersEvolvingAtOnceBothGetTheirColumnsAndTheSameOneOnce() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(TestTables.EVENTS, new Schema(Types.NestedField.required(1, "id", Types.StringType.get())));
    Table first = catalog.loadTable(TestTables.EVENTS);
    Table second = catalog.loadTable(TestTables.EVENTS);
    Table third = catalog.loadTable(TestTables.EVENTS);
    Schema withA =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.optional(2, "a", Types.StringType.get()));
    Schema withB =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.optional(2, "b", Types.LongType.get()));

    TableBootstrap.evolve(first, TestTables.EVENTS, explicit(withA));
    // second and third still hold the metadata from before: their commits conflict, and each plans
    // again on the table as the first writer left it.
    TableBootstrap.evolve(second, TestTables.EVENTS, explicit(withA));
    TableBootstrap.evolve(third, TestTables.EVENTS, explicit(withB));

    Table table = catalog.loadTable(TestTables.EVENTS);
    assertThat(table.schema().columns()).extracting(Types.NestedField::name).containsExactly("id", "a", "b");
    assertThat(table.schemas()).as("the schema the second writer wanted was there already").hasSize(3);
  }

  @Test
  void aDefinitionBehindTheTableIsNoNarrowingButOneNarrowerThanEverIs() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    Schema v1 =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.required(2, "n", Types.IntegerType.get()));
    Schema v2 =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.optional(2, "n", Types.LongType.get()));
    catalog.createTable(TestTables.EVENTS, v1);
    TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, explicit(v2));

    Table behind = TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, explicit(v1));

    assertThat(behind.schema().findField("n").type()).isEqualTo(Types.LongType.get());
    assertThat(behind.schema().findField("n").isOptional()).isTrue();
    assertThat(behind.schemas()).hasSize(2);
    TableIdentifier other = TableIdentifier.of("do_state", "other");
    catalog.createTable(other, v2);
    assertThatThrownBy(() -> TableBootstrap.loadOrCreate(catalog, other, explicit(v1)))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessage(
            "Cannot evolve table do_state.other to the schema definition (the table is left unchanged):"
                + " field 'n' is optional in the table and required in the definition: Iceberg cannot make a column"
                + " required, since the rows already written may hold null;"
                + " field 'n' is long in the table and int in the definition: a type is never narrowed, since the rows"
                + " already written may not fit");
  }

  /** A table whose {@code meta}, {@code order.note} and list {@code tags} are string or json. */
  private static Schema jsonOrString(String doc) {
    return new Schema(
        Types.NestedField.required(1, "id", Types.StringType.get()),
        Types.NestedField.optional(2, "meta", Types.StringType.get(), doc),
        Types.NestedField.optional(3, "order", Types.StructType.of(Types.NestedField.optional(5, "note", Types.StringType.get(), doc))),
        Types.NestedField.optional(4, "tags", Types.ListType.ofOptional(6, Types.StringType.get()), doc));
  }

  @Test
  void aJsonDefinitionMarksPlainStringColumnsAsJsonAtTheTopInAStructAndOnAList() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(TestTables.EVENTS, jsonOrString(null));
    Schema wanted = jsonOrString(EventSchemas.JSON_DOC);

    assertThat(SchemaEvolution.plan(catalog.loadTable(TestTables.EVENTS).schema(), List.of(), wanted).describe())
        .containsExactly("marked meta as json", "marked order.note as json", "marked tags[] as json");
    Table table = TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, explicit(wanted));

    assertThat(table.schemas()).hasSize(2);
    assertThat(table.schema().findField("meta").doc()).isEqualTo("json");
    assertThat(table.schema().findField("order.note").doc()).isEqualTo("json");
    assertThat(table.schema().findField("tags").doc()).isEqualTo("json");
    assertThat(table.schema().findField("id").doc()).isNull();
  }

  @Test
  void aStringDefinitionNeverUnmarksAJsonColumnButAcceptsOneTheTableOnceHadAsString() {
    HadoopCatalog catalog = TestTables.catalog(warehouse);
    catalog.createTable(TestTables.EVENTS, jsonOrString(EventSchemas.JSON_DOC));

    assertThatThrownBy(() -> TableBootstrap.loadOrCreate(catalog, TestTables.EVENTS, explicit(jsonOrString(null))))
        .isInstanceOf(IncompatibleTableException.class)
        .hasMessage(
            "Cannot evolve table do_state.changes to the schema definition (the table is left unchanged):"
                + " field 'meta' is json in the table and string in the definition: floe does not unmark a json column"
                + " (readers may rely on it); change the definition to json;"
                + " field 'order.note' is json in the table and string in the definition: floe does not unmark a json"
                + " column (readers may rely on it); change the definition to json;"
                + " field 'tags[]' is json in the table and string in the definition: floe does not unmark a json"
                + " column (readers may rely on it); change the definition to json");
    assertThat(catalog.loadTable(TestTables.EVENTS).schemas()).hasSize(1);

    TableIdentifier marked = TableIdentifier.of("do_state", "marked");
    catalog.createTable(marked, jsonOrString(null));
    TableBootstrap.loadOrCreate(catalog, marked, explicit(jsonOrString(EventSchemas.JSON_DOC)));

    Table behind = TableBootstrap.loadOrCreate(catalog, marked, explicit(jsonOrString(null)));

    assertThat(behind.schemas()).as("a definition from before the marking is an older definition").hasSize(2);
    assertThat(behind.schema().findField("meta").doc()).isEqualTo("json");
    assertThat(behind.schema().findField("order.note").doc()).isEqualTo("json");
    assertThat(behind.schema().findField("tags").doc()).isEqualTo("json");
  }

  private static TableDefinition explicit(Schema schema) {
    return new TableDefinition(schema, true, PartitionSpec.unpartitioned(), List.of(), Map.of());
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
