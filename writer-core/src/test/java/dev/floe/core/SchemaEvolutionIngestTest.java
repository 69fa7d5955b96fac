package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.floe.core.commit.Committer;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream definition that grows: v1, then v2 (optional fields at the top and in a struct, a
 * widened int, float and decimal, a required field made optional), then a writer still on v1.
 * Every row reads back through Iceberg's generic reader, the old ones with nulls in the new
 * columns; a change Iceberg cannot make is refused and leaves the table as it was.
 */
class SchemaEvolutionIngestTest {
  private static final TableIdentifier TABLE = TableIdentifier.parse("s.t");

  static final String V1 =
      "{\"fields\": ["
          + "{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
          + "{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true, \"unit\": \"millisecond\"},"
          + "{\"name\": \"qty\", \"type\": \"int32\", \"required\": true},"
          + "{\"name\": \"ratio\", \"type\": \"float32\"},"
          + "{\"name\": \"amount\", \"type\": \"decimal128\", \"precision\": 10, \"scale\": 2},"
          + "{\"name\": \"order\", \"type\": \"struct\", \"fields\": [{\"name\": \"sku\", \"type\": \"string\", \"required\": true}]}"
          + "]}";

  static final String V2 =
      "{\"fields\": ["
          + "{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
          + "{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true, \"unit\": \"millisecond\"},"
          + "{\"name\": \"qty\", \"type\": \"int64\"},"
          + "{\"name\": \"ratio\", \"type\": \"float64\"},"
          + "{\"name\": \"amount\", \"type\": \"decimal128\", \"precision\": 20, \"scale\": 2},"
          + "{\"name\": \"order\", \"type\": \"struct\", \"fields\": [{\"name\": \"sku\", \"type\": \"string\", \"required\": true},"
          + "  {\"name\": \"note\", \"type\": \"string\"}]},"
          + "{\"name\": \"tag\", \"type\": \"string\"}"
          + "]}";

  @TempDir Path dir;
  private HadoopCatalog catalog;

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
  }

  private IngestResult ingest(String definition, String... lines) throws IOException {
    return ingest(null, definition, lines);
  }

  private IngestResult ingest(Committer committer, String definition, String... lines) throws IOException {
    Path schema = Files.writeString(dir.resolve("stream-" + System.nanoTime() + ".json"), definition);
    Path input = dir.resolve("in-" + System.nanoTime() + ".ndjson");
    Files.writeString(input, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    IngestConfig config =
        IngestConfig.from(Settings.of(Map.of(IngestConfig.SCHEMA_FILE, schema.toString(), IngestConfig.TABLE, "s.t"), "test"))
            .withDeadLetterDirectory(dir.resolve("dead"));
    return FloeWriter.builder(catalog).config(config).committer(committer).build().ingest(Batch.ofFile(input));
  }

  private Table table() {
    return catalog.loadTable(TABLE);
  }

  private static Record row(List<Record> rows, String id) {
    return rows.stream().filter(r -> r.getField("id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void v1ThenV2ThenAWriterStillOnV1AllWriteAndReadBack() throws IOException {
    IngestResult first =
        ingest(V1,
            "{\"id\":\"a\",\"ts\":1767139201000,\"qty\":1,\"ratio\":0.5,\"amount\":\"12.30\",\"order\":{\"sku\":\"A\"}}",
            "{\"id\":\"b\",\"ts\":1767139202000,\"qty\":2}");
    assertThat(first.eventsWritten()).isEqualTo(2);
    int v1Schema = table().schema().schemaId();

    IngestResult second =
        ingest(V2,
            "{\"id\":\"c\",\"ts\":1767139203000,\"qty\":5000000000,\"ratio\":0.25,\"amount\":\"123456789012345.67\","
                + "\"order\":{\"sku\":\"C\",\"note\":\"gift\"},\"tag\":\"new\"}",
            "{\"id\":\"d\",\"ts\":1767139204000}");
    assertThat(second.eventsWritten()).as(second.toString()).isEqualTo(2);
    Table evolved = table();
    int v2Schema = evolved.schema().schemaId();
    assertThat(v2Schema).isNotEqualTo(v1Schema);
    assertThat(evolved.schema().findField("qty").type()).isEqualTo(Types.LongType.get());
    assertThat(evolved.schema().findField("qty").isOptional()).isTrue();
    assertThat(evolved.schema().findField("ratio").type()).isEqualTo(Types.DoubleType.get());
    assertThat(evolved.schema().findField("amount").type()).isEqualTo(Types.DecimalType.of(20, 2));
    assertThat(evolved.schema().findField("order.note").type()).isEqualTo(Types.StringType.get());
    assertThat(evolved.schema().findField("tag").isOptional()).isTrue();
    assertThat(evolved.currentSnapshot().schemaId()).isEqualTo(v2Schema);

    IngestResult third =
        ingest(V1, "{\"id\":\"e\",\"ts\":1767139205000,\"qty\":7,\"ratio\":1.5,\"order\":{\"sku\":\"E\"}}");
    assertThat(third.eventsWritten()).isEqualTo(1);
    Table after = table();
    assertThat(after.schema().schemaId()).as("the v1 writer follows the table, it does not narrow it").isEqualTo(v2Schema);
    assertThat(after.schemas()).hasSize(2);

    List<Record> rows = TestTables.rows(after);
    assertThat(rows).extracting(r -> r.getField("id")).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    Record a = row(rows, "a");
    assertThat(a.getField("qty")).isEqualTo(1L);
    assertThat(a.getField("ratio")).isEqualTo(0.5);
    assertThat(a.getField("amount")).isEqualTo(new BigDecimal("12.30"));
    assertThat(((Record) a.getField("order")).getField("sku")).isEqualTo("A");
    assertThat(((Record) a.getField("order")).getField("note")).isNull();
    assertThat(a.getField("tag")).isNull();
    assertThat(row(rows, "b").getField("order")).isNull();
    Record c = row(rows, "c");
    assertThat(c.getField("qty")).isEqualTo(5_000_000_000L);
    assertThat(c.getField("ratio")).isEqualTo(0.25);
    assertThat(c.getField("amount")).isEqualTo(new BigDecimal("123456789012345.67"));
    assertThat(((Record) c.getField("order")).getField("note")).isEqualTo("gift");
    assertThat(c.getField("tag")).isEqualTo("new");
    assertThat(row(rows, "d").getField("qty")).isNull();
    Record e = row(rows, "e");
    assertThat(e.getField("qty")).isEqualTo(7L);
    assertThat(((Record) e.getField("order")).getField("note")).isNull();
    assertThat(e.getField("tag")).isNull();
  }

  @Test
  void aChangeIcebergCannotMakeIsRefusedNamingEachFieldAndLeavesTheTableAsItWas() throws IOException {
    ingest(V1, "{\"id\":\"a\",\"ts\":1767139201000,\"qty\":1}");
    Table before = table();
    String refused =
        "{\"fields\": ["
            + "{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true},"
            + "{\"name\": \"qty\", \"type\": \"string\", \"required\": true},"
            + "{\"name\": \"ratio\", \"type\": \"float32\", \"required\": true},"
            + "{\"name\": \"amount\", \"type\": \"decimal128\", \"precision\": 8, \"scale\": 2},"
            + "{\"name\": \"order\", \"type\": \"struct\", \"fields\": [{\"name\": \"sku\", \"type\": \"string\", \"required\": true},"
            + "  {\"name\": \"vat\", \"type\": \"int32\", \"required\": true}]},"
            + "{\"name\": \"tag\", \"type\": \"string\"}"
            + "]}";

    assertThatThrownBy(() -> ingest(refused, "{\"id\":\"b\",\"ts\":1767139202000,\"qty\":\"x\"}"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot evolve table s.t to the schema definition (the table is left unchanged): "
                + "field 'qty' is int in the table and string in the definition: Iceberg can only widen int to long,"
                + " float to double or a decimal's precision; "
                + "field 'ratio' is optional in the table and required in the definition: Iceberg cannot make a column"
                + " required, since the rows already written may hold null; "
                + "field 'amount' is decimal(10, 2) in the table and decimal(8, 2) in the definition: a type is never"
                + " narrowed, since the rows already written may not fit; "
                + "field 'order.vat' is required in the definition and not in the table: Iceberg cannot add a required"
                + " column, since the rows already written have no value for it (add it as optional); "
                + "required column 'id' of the table is not in the definition: floe would write null into it, and it"
                + " never drops or renames a column");

    Table after = table();
    assertThat(after.schema().schemaId()).isEqualTo(before.schema().schemaId());
    assertThat(after.schemas()).hasSize(1);
    assertThat(after.schema().findField("tag")).as("not even the acceptable part is applied").isNull();
    assertThat(after.currentSnapshot().snapshotId()).isEqualTo(before.currentSnapshot().snapshotId());
    assertThat(TestTables.rows(after)).hasSize(1);
  }

  @Test
  void aRunThatDiesBetweenTheSchemaCommitAndTheDataCommitLeavesTheNextRunNothingToEvolve() throws IOException {
    ingest(V1, "{\"id\":\"a\",\"ts\":1767139201000,\"qty\":1}");
    long snapshot = table().currentSnapshot().snapshotId();
    Committer dying = spy(new Committer(IngestConfig.defaults().commit()));
    doThrow(new IllegalStateException("killed")).when(dying).commit(any(), any(), any(), any(), any(), any());
    String event = "{\"id\":\"b\",\"ts\":1767139202000,\"qty\":5000000000,\"tag\":\"t\"}";

    assertThatThrownBy(() -> ingest(dying, V2, event)).hasMessage("killed");
    Table between = table();
    assertThat(between.schemas()).hasSize(2);
    assertThat(between.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(TestTables.rows(between)).hasSize(1);

    IngestResult again = ingest(V2, event);

    assertThat(again.eventsWritten()).isEqualTo(1);
    Table after = table();
    assertThat(after.schemas()).hasSize(2);
    assertThat(after.currentSnapshot().schemaId()).isEqualTo(after.schema().schemaId());
    assertThat(TestTables.rows(after)).extracting(r -> r.getField("qty")).containsExactlyInAnyOrder(1L, 5_000_000_000L);
  }

  static final String PLAIN =
      "{\"fields\": ["
          + "{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
          + "{\"name\": \"meta\", \"type\": \"string\"},"
          + "{\"name\": \"order\", \"type\": \"struct\", \"fields\": [{\"name\": \"extra\", \"type\": \"string\"}]},"
          + "{\"name\": \"tags\", \"type\": \"list\", \"element\": {\"type\": \"string\"}}"
          + "]}";

  static final String JSON =
      "{\"fields\": ["
          + "{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
          + "{\"name\": \"meta\", \"type\": \"json\"},"
          + "{\"name\": \"order\", \"type\": \"struct\", \"fields\": [{\"name\": \"extra\", \"type\": \"json\"}]},"
          + "{\"name\": \"tags\", \"type\": \"list\", \"element\": {\"type\": \"json\"}}"
          + "]}";

  @Test
  void stringFieldsMadeJsonTakeAnyJsonValueAndAWriterStillOnStringKeepsThemJson() throws IOException {
    ingest(PLAIN, "{\"id\":\"a\",\"meta\":\"text\",\"order\":{\"extra\":\"e\"},\"tags\":[\"t\"]}");

    IngestResult marked =
        ingest(JSON,
            "{\"id\":\"b\",\"meta\":{\"k\":[1,2.50]},\"order\":{\"extra\":[true,null]},\"tags\":[{\"x\":1},\"y\",7]}",
            "{\"id\":\"c\",\"meta\":42}");

    assertThat(marked.deadLetters()).as(marked.toString()).isEmpty();
    assertThat(marked.eventsWritten()).isEqualTo(2);
    Table evolved = table();
    assertThat(evolved.schemas()).hasSize(2);
    assertThat(evolved.schema().findField("meta").doc()).isEqualTo("json");
    assertThat(evolved.schema().findField("order.extra").doc()).isEqualTo("json");
    assertThat(evolved.schema().findField("tags").doc()).isEqualTo("json");

    IngestResult behind = ingest(PLAIN, "{\"id\":\"d\",\"meta\":{\"still\":\"json\"},\"tags\":[[1]]}");

    assertThat(behind.eventsWritten()).as(behind.toString()).isEqualTo(1);
    assertThat(table().schemas()).as("the string writer follows the table").hasSize(2);
    List<Record> rows = TestTables.rows(table());
    assertThat(row(rows, "a").getField("meta")).isEqualTo("text");
    assertThat(row(rows, "a").getField("tags")).isEqualTo(List.of("t"));
    Record b = row(rows, "b");
    assertThat(b.getField("meta")).isEqualTo("{\"k\":[1,2.50]}");
    assertThat(((Record) b.getField("order")).getField("extra")).isEqualTo("[true,null]");
    assertThat(b.getField("tags")).isEqualTo(List.of("{\"x\":1}", "y", "7"));
    assertThat(row(rows, "c").getField("meta")).isEqualTo("42");
    assertThat(row(rows, "d").getField("meta")).isEqualTo("{\"still\":\"json\"}");
    assertThat(row(rows, "d").getField("tags")).isEqualTo(List.of("[1]"));
  }

  @Test
  void aStringDefinitionForAJsonColumnTheTableNeverHadAsStringIsRefused() throws IOException {
    ingest(JSON, "{\"id\":\"a\",\"meta\":{}}");

    assertThatThrownBy(() -> ingest(PLAIN, "{\"id\":\"b\"}"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot evolve table s.t to the schema definition (the table is left unchanged): "
                + "field 'meta' is json in the table and string in the definition: floe does not unmark a json column"
                + " (readers may rely on it); change the definition to json; ")
        .hasMessageContaining("field 'order.extra' is json in the table")
        .hasMessageContaining("field 'tags[]' is json in the table");
    assertThat(table().schemas()).hasSize(1);
  }

  @Test
  void aColumnLeftOutOfTheDefinitionStaysAndHoldsNull() throws IOException {
    ingest(V2, "{\"id\":\"a\",\"ts\":1767139201000,\"tag\":\"t\"}");
    String withoutTag = V2.replace(",{\"name\": \"tag\", \"type\": \"string\"}", "");
    assertThat(withoutTag).isNotEqualTo(V2);

    ingest(withoutTag, "{\"id\":\"b\",\"ts\":1767139202000}");

    Table table = table();
    assertThat(table.schema().findField("tag")).isNotNull();
    assertThat(table.schemas()).hasSize(1);
    List<Record> rows = TestTables.rows(table);
    rows.sort(Comparator.comparing(r -> (String) r.getField("id")));
    assertThat(rows).extracting(r -> r.getField("tag")).containsExactly("t", null);
  }
}
