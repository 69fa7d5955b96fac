package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream definition as Pipelines' API returns it, with every type (structs in lists in structs),
 * fed valid and invalid events; the values read back through Iceberg's generic reader are the
 * ones sent, and each bad value is dead-lettered with its own reason.
 */
class StreamDefinitionIngestTest {
  @TempDir Path dir;
  private HadoopCatalog catalog;

  @BeforeEach
  void setUp() {
    catalog = TestTables.catalog(dir.resolve("warehouse"));
  }

  private IngestResult ingest(String definition, String... lines) throws IOException {
    Path schema = Files.writeString(dir.resolve("stream-" + Math.abs(definition.hashCode()) + ".json"), definition);
    Path input = dir.resolve("in-" + System.nanoTime() + ".ndjson");
    Files.writeString(input, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    IngestConfig config =
        IngestConfig.from(Settings.of(Map.of(IngestConfig.SCHEMA_FILE, schema.toString(), IngestConfig.TABLE, "s.t"), "test"))
            .withDeadLetterDirectory(dir.resolve("dead"));
    return FloeWriter.builder(catalog).config(config).build().ingest(Batch.ofFile(input));
  }

  private List<Record> rows() {
    return TestTables.rows(catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse("s.t")));
  }

  private static String resource(String name) {
    try (InputStream in = StreamDefinitionIngestTest.class.getResourceAsStream("schema/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String GOOD =
      "{\"id\":\"o1\",\"ts\":1767139201000,\"qty\":3,\"big\":9007199254740993,\"ratio\":0.5,\"score\":-1.25,"
          + "\"ok\":true,\"blob\":\"AAEC/w==\",\"meta\":{\"a\":[1,2.50]},"
          + "\"order\":{\"lines\":[{\"sku\":\"A\",\"price\":\"12.30\",\"at\":1767139201,\"tags\":[\"x\",null]},"
          + "{\"sku\":\"B\",\"price\":0.5}],\"note\":\"n\"},"
          + "\"counts\":[1,null,3],\"u32\":4294967295,\"u64\":\"18446744073709551615\",\"unknown\":{\"x\":1}}";

  private static String bad(String from, String to) {
    if (!GOOD.contains(from)) {
      throw new IllegalArgumentException(from);
    }
    return GOOD.replace(from, to);
  }

  @Test
  void everyTypeIsWrittenAndReadBackAsSent() throws IOException {
    IngestResult result =
        ingest(
            resource("orders-stream.json"),
            GOOD,
            "{\"id\":\"o2\",\"ts\":1767139202000,\"order\":{\"lines\":[]},\"u64\":0}",
            bad("{\"sku\":\"B\",", "{"),
            bad("\"12.30\"", "12.345"),
            bad("\"12.30\"", "\"123456789.5\""),
            bad("\"AAEC/w==\"", "\"not base64!\""),
            bad("4294967295", "-1"),
            bad("\"18446744073709551615\"", "18446744073709551616"),
            bad("1767139201000", "\"2025-12-31T00:00:01Z\""),
            bad("\"at\":1767139201", "\"at\":1767139201000"),
            bad("[1,null,3]", "[1,\"2\"]"),
            bad("\"order\":{", "\"order\":[{").replace(",\"counts\"", "],\"counts\""),
            bad("\"lines\":[", "\"lines\":null,\"x\":["),
            bad("\"qty\":3", "\"qty\":3.5"));

    assertThat(result.eventsWritten()).isEqualTo(2);
    assertThat(reasons(result))
        .containsExactly(
            "missing required field 'order.lines[].sku'",
            "field 'order.lines[].price' 12.345 has more than 2 decimal places for decimal(10, 2)",
            "field 'order.lines[].price' 123456789.5 does not fit decimal(10, 2)",
            "field 'blob' must be base64 text, got 'not base64!'",
            "field 'u32' -1 is out of range for uint32",
            "field 'u64' 18446744073709551616 is out of range for uint64",
            "field 'ts' must be a number of milliseconds (timestamp_format unix_millis), got string"
                + " '2025-12-31T00:00:01Z'",
            "field 'order.lines[].at' 1767139201000 is in 57968, outside 2000-01-01T00:00:00Z to"
                + " 2100-01-01T00:00:00Z: milliseconds instead of seconds?",
            "field 'counts[]' must be a long, got string",
            "field 'order' must be an object, got array",
            "required field 'order.lines' is null",
            "field 'qty' must be an int, got fractional number 3.5");

    List<Record> rows = rows();
    Record first = rows.stream().filter(r -> r.getField("id").equals("o1")).findFirst().orElseThrow();
    assertThat(first.getField("ts")).isEqualTo(OffsetDateTime.parse("2025-12-31T00:00:01Z"));
    assertThat(first.getField("qty")).isEqualTo(3);
    assertThat(first.getField("big")).isEqualTo(9007199254740993L);
    assertThat(first.getField("ratio")).isEqualTo(0.5f);
    assertThat(first.getField("score")).isEqualTo(-1.25);
    assertThat(first.getField("ok")).isEqualTo(true);
    assertThat(first.getField("blob")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xFF}));
    assertThat(first.getField("meta")).isEqualTo("{\"a\":[1,2.50]}");
    assertThat(first.getField("counts")).isEqualTo(Arrays.asList(1L, null, 3L));
    assertThat(first.getField("u32")).isEqualTo(4294967295L);
    assertThat(first.getField("u64")).isEqualTo(new BigDecimal("18446744073709551615"));
    Record order = (Record) first.getField("order");
    assertThat(order.getField("note")).isEqualTo("n");
    @SuppressWarnings("unchecked")
    List<Record> lines = (List<Record>) order.getField("lines");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).getField("sku")).isEqualTo("A");
    assertThat(lines.get(0).getField("price")).isEqualTo(new BigDecimal("12.30"));
    assertThat(lines.get(0).getField("at")).isEqualTo(OffsetDateTime.parse("2025-12-31T00:00:01Z"));
    assertThat(lines.get(0).getField("tags")).isEqualTo(Arrays.asList("x", null));
    assertThat(lines.get(1).getField("price")).isEqualTo(new BigDecimal("0.50"));
    assertThat(lines.get(1).getField("at")).isNull();

    Record second = rows.stream().filter(r -> r.getField("id").equals("o2")).findFirst().orElseThrow();
    assertThat(((Record) second.getField("order")).getField("lines")).isEqualTo(List.of());
    assertThat(second.getField("u64")).isEqualTo(new BigDecimal("0"));
    assertThat(second.getField("blob")).isNull();
    assertThat(catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse("s.t")).schema().findType("order.lines.element.price"))
        .isEqualTo(Types.DecimalType.of(10, 2));
  }

  @Test
  void rfc3339StreamsTakeStringsAndUnitsDecideNumbers() throws IOException {
    String rfc =
        "{\"name\": \"r\", \"format\": {\"type\": \"json\", \"timestamp_format\": \"rfc3339\"},"
            + " \"schema\": {\"fields\": [{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true}]}}";
    IngestResult result =
        ingest(rfc, "{\"ts\":\"2026-12-03T10:00:00.123456+01:00\"}", "{\"ts\":1767139201000}", "{\"ts\":\"2500-01-01T00:00:00Z\"}");
    assertThat(result.eventsWritten()).isEqualTo(1);
    assertThat(reasons(result))
        .containsExactly(
            "field 'ts' must be an RFC 3339 string (timestamp_format rfc3339), got number 1767139201000",
            "field 'ts' '2500-01-01T00:00:00Z' is in 2500, outside 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z");
    assertThat(rows()).extracting(r -> r.getField("ts")).containsExactly(OffsetDateTime.parse("2026-12-03T09:00:00.123456Z"));
  }

  @Test
  void microsecondAndNanosecondUnits() throws IOException {
    String units =
        "{\"fields\": [{\"name\": \"us\", \"type\": \"timestamp\", \"unit\": \"microsecond\"},"
            + " {\"name\": \"ns\", \"type\": \"timestamp\", \"unit\": \"nanosecond\"}]}";
    IngestResult result = ingest(units, "{\"us\":1767139201000001,\"ns\":1767139201000001999}", "{\"us\":1767139201000}");
    assertThat(reasons(result))
        .containsExactly(
            "field 'us' 1767139201000 is in 1970, outside 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z:"
                + " milliseconds instead of microseconds?");
    Record row = rows().get(0);
    assertThat(row.getField("us")).isEqualTo(OffsetDateTime.parse("2025-12-31T00:00:01.000001Z"));
    // Iceberg keeps microseconds: the nanoseconds beyond are cut.
    assertThat(row.getField("ns")).isEqualTo(OffsetDateTime.parse("2025-12-31T00:00:01.000001Z"));
  }

  @Test
  void anUnstructuredStreamKeepsEachEventAsJsonText() throws IOException {
    String unstructured = "{\"name\": \"raw\", \"format\": {\"type\": \"json\", \"unstructured\": true}}";
    IngestResult result =
        ingest(unstructured, "{ \"a\" : 1, \"b\": [true, null, \"é\"] }", "[1,2]", "\"text\"", "{broken");
    assertThat(result.eventsWritten()).isEqualTo(3);
    assertThat(reasons(result)).hasSize(1).allSatisfy(reason -> assertThat(reason).startsWith("invalid JSON"));
    assertThat(rows())
        .extracting(r -> r.getField("value"))
        .containsExactlyInAnyOrder("{\"a\":1,\"b\":[true,null,\"é\"]}", "[1,2]", "\"text\"");
  }

  @Test
  void aListOfJsonKeepsEachElementAsJsonTextAndAListOfUint32ChecksItsRange() throws IOException {
    String lists =
        "{\"fields\": [{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
            + " {\"name\": \"items\", \"type\": \"list\", \"element\": {\"type\": \"json\"}},"
            + " {\"name\": \"grid\", \"type\": \"list\", \"element\": {\"type\": \"list\", \"element\": {\"type\": \"json\"}}},"
            + " {\"name\": \"ids\", \"type\": \"list\", \"element\": {\"type\": \"uint32\"}}]}";

    IngestResult result =
        ingest(
            lists,
            "{\"id\":\"a\",\"items\":[{\"a\":[1,2.50]},[true],\"s\",3,null],\"grid\":[[{\"b\":null}],[]],\"ids\":[4294967295]}",
            "{\"id\":\"b\",\"ids\":[-1]}");

    assertThat(result.eventsWritten()).isEqualTo(1);
    assertThat(reasons(result)).containsExactly("field 'ids[]' -1 is out of range for uint32");
    Record row = rows().get(0);
    assertThat(row.getField("items")).isEqualTo(Arrays.asList("{\"a\":[1,2.50]}", "[true]", "s", "3", null));
    assertThat(row.getField("grid")).isEqualTo(List.of(List.of("{\"b\":null}"), List.of()));
    assertThat(row.getField("ids")).isEqualTo(List.of(4294967295L));
  }

  private static List<String> reasons(IngestResult result) throws IOException {
    if (result.deadLetters().isEmpty()) {
      return List.of();
    }
    ObjectMapper mapper = new ObjectMapper();
    return Files.readAllLines(Path.of(result.deadLetters().get(0))).stream()
        .map(line -> {
          try {
            JsonNode node = mapper.readTree(line);
            return node.get("reason").asText();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        })
        .toList();
  }
}
