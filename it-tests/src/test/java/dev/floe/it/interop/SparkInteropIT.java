package dev.floe.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ListeningSockets;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * floe and Spark on one table, through the harness's REST catalog and s3proxy: Spark (4.1, with
 * Iceberg's own Spark runtime, in its own JVM) reads what floe wrote, and floe appends to a table
 * Spark created. Rows are compared value by value with the events that went in.
 */
@ExtendWith({ServersExtension.class, SparkExtension.class})
class SparkInteropIT {
  /** Unique per test JVM: Spark keeps a catalog's settings once it has loaded it. */
  private static final String CATALOG = "floe_it_" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path dir;

  @BeforeAll
  static void registerCatalog(Endpoints endpoints, SparkSql spark) {
    spark.registerRestCatalog(CATALOG, endpoints.catalogProperties());
  }

  @Test
  void sparkReadsTheTableFloeWrote(Endpoints endpoints, SparkSql spark) {
    String table = uniqueNamespace() + ".events";
    String sparkTable = CATALOG + "." + table;
    FloeCommand floe = FloeCommand.on(endpoints);
    Path input = floe.generate(dir.resolve("events.ndjson.gz"), 2000, 5, 300);
    List<Event> events = Event.readNdjson(input);
    JsonNode ingest = floe.ingest(table, dir.resolve("dead-letters"), input);
    assertThat(ingest.get("events_written").asLong()).isEqualTo(2000);

    JsonNode counts =
        single(
            spark.sql(
                "SELECT count(*) AS row_count, count(DISTINCT do_id, seq) AS ids FROM "
                    + sparkTable));
    assertThat(counts.get("row_count").asLong()).isEqualTo(2000);
    assertThat(counts.get("ids").asLong()).isEqualTo(2000);

    // The busiest object: its events, in seq order, value for value.
    String doId =
        events.stream()
            .collect(Collectors.groupingBy(Event::doId, TreeMap::new, Collectors.counting()))
            .entrySet()
            .stream()
            .max(Map.Entry.comparingByValue())
            .orElseThrow()
            .getKey();
    List<Event> expectedForObject =
        events.stream()
            .filter(event -> event.doId().equals(doId))
            .sorted(Comparator.comparingLong(Event::seq))
            .toList();
    assertThat(expectedForObject).hasSizeGreaterThan(2);
    List<Event> forObject =
        events(
            spark.sql(
                "SELECT "
                    + SparkSql.EVENT_COLUMNS
                    + " FROM "
                    + sparkTable
                    + " WHERE do_id = '"
                    + doId
                    + "' ORDER BY seq"));
    assertThat(forObject).containsExactlyElementsOf(expectedForObject);

    List<Event> all = events(spark.sql("SELECT " + SparkSql.EVENT_COLUMNS + " FROM " + sparkTable));
    assertThat(byId(all)).isEqualTo(byId(events));

    // Day partitions as Spark sees them, against the events' UTC days.
    Map<String, Long> expectedDays =
        events.stream()
            .collect(
                Collectors.groupingBy(
                    event -> utcDay(event.timestampMillis()), TreeMap::new, Collectors.counting()));
    Map<String, Long> days = new TreeMap<>();
    for (JsonNode partition :
        spark.sql(
            "SELECT CAST(partition.timestamp_day AS STRING) AS day, record_count FROM "
                + sparkTable
                + ".partitions")) {
      days.put(partition.get("day").asText(), partition.get("record_count").asLong());
    }
    assertThat(days).isEqualTo(expectedDays);

    JsonNode snapshot =
        single(
            spark.sql(
                "SELECT snapshot_id, operation, summary['floe.run-id'] AS run_id,"
                    + " summary['floe.batch-count'] AS batch_count,"
                    + " summary['added-records'] AS added_records FROM "
                    + sparkTable
                    + ".snapshots"));
    assertThat(snapshot.get("snapshot_id").asLong()).isEqualTo(ingest.get("snapshot_id").asLong());
    assertThat(snapshot.get("operation").asText()).isEqualTo("append");
    assertThat(snapshot.get("run_id").asText()).isEqualTo(ingest.get("run_id").asText());
    assertThat(snapshot.get("batch_count").asText()).isEqualTo("1");
    assertThat(snapshot.get("added_records").asText()).isEqualTo("2000");
  }

  @Test
  void floeAppendsToATableSparkCreated(Endpoints endpoints, SparkSql spark) {
    String namespace = uniqueNamespace();
    String table = namespace + ".changes";
    String sparkTable = CATALOG + "." + table;
    spark.sql("CREATE NAMESPACE " + CATALOG + "." + namespace);
    spark.sql(
        "CREATE TABLE "
            + sparkTable
            + " (do_id STRING NOT NULL, ns STRING, type STRING, key STRING NOT NULL,"
            + " value STRING, op STRING NOT NULL, timestamp TIMESTAMP NOT NULL,"
            + " seq BIGINT NOT NULL) USING iceberg PARTITIONED BY (days(timestamp))");
    List<Event> sparkEvents =
        List.of(
            new Event(
                "do-spark-0001",
                1,
                "app",
                "user",
                "user:1",
                "{\"name\":\"ada\",\"n\":1}",
                "PUT",
                Instant.parse("2026-10-31T23:59:59.999Z").toEpochMilli()),
            new Event(
                "do-spark-0001",
                2,
                "app",
                "user",
                "user:1",
                null,
                "DELETE",
                Instant.parse("2026-11-01T00:00:00.000Z").toEpochMilli()),
            new Event(
                "do-spark-0002",
                7,
                null,
                "room",
                "room:it's",
                "{\"quote\":\"\\\\ and '\"}",
                "PUT",
                Instant.parse("2026-11-02T12:34:56.789Z").toEpochMilli()));
    spark.sql("INSERT INTO " + sparkTable + " VALUES " + sqlValues(sparkEvents));

    FloeCommand floe = FloeCommand.on(endpoints);
    Path input = floe.generate(dir.resolve("events.ndjson.gz"), 500, 9, 200);
    List<Event> floeEvents = Event.readNdjson(input);
    JsonNode ingest = floe.ingest(table, dir.resolve("dead-letters"), input);
    assertThat(ingest.get("committed").asBoolean()).isTrue();
    assertThat(ingest.get("events_written").asLong()).isEqualTo(500);

    List<Event> expected = new ArrayList<>(sparkEvents);
    expected.addAll(floeEvents);
    List<Event> all = events(spark.sql("SELECT " + SparkSql.EVENT_COLUMNS + " FROM " + sparkTable));
    assertThat(byId(all)).isEqualTo(byId(expected));

    List<JsonNode> snapshots =
        spark.sql(
            "SELECT snapshot_id, summary['floe.run-id'] AS run_id, summary['added-records'] AS"
                + " added FROM "
                + sparkTable
                + ".snapshots ORDER BY committed_at");
    assertThat(snapshots).hasSize(2);
    assertThat(snapshots.get(0).has("run_id"))
        .as("Spark's own snapshot has no floe run id")
        .isFalse();
    assertThat(snapshots.get(0).get("added").asText()).isEqualTo("3");
    assertThat(snapshots.get(1).get("snapshot_id").asLong())
        .isEqualTo(ingest.get("snapshot_id").asLong());
    assertThat(snapshots.get(1).get("run_id").asText()).isEqualTo(ingest.get("run_id").asText());
    assertThat(snapshots.get(1).get("added").asText()).isEqualTo("500");

    JsonNode again = floe.ingest(table, dir.resolve("dead-letters"), input);
    assertThat(again.get("committed").asBoolean()).isFalse();
    assertThat(again.get("batches_skipped").asInt()).isEqualTo(1);
    assertThat(spark.sql("SELECT snapshot_id FROM " + sparkTable + ".snapshots")).hasSize(2);
  }

  @Test
  void sparkReadsTheTableAfterFloeMaintainedIt(Endpoints endpoints, SparkSql spark) throws IOException {
    String table = uniqueNamespace() + ".maintained";
    String sparkTable = CATALOG + "." + table;
    FloeCommand floe = FloeCommand.on(endpoints);
    List<Event> events = new ArrayList<>();
    List<Path> inputs = new ArrayList<>();
    for (int batch = 0; batch < 8; batch++) {
      Path input = floe.generate(dir.resolve("small-" + batch + ".ndjson"), 250, 40 + batch, 200);
      inputs.add(input);
      events.addAll(Event.readNdjson(input));
      floe.ingest(table, dir.resolve("dead-letters"), input);
    }
    long filesBefore = single(spark.sql("SELECT count(*) AS n FROM " + sparkTable + ".files")).get("n").asLong();

    FloeCommand.Result maintain = floe.run("maintain", "all", "--json", "--table", table,
        "--partition-min-age", "0s", "--min-input-files", "2", "--older-than", "0s", "--retain-last", "1");
    assertThat(maintain.exitCode()).as("floe maintain all; stderr:%n%s", maintain.err()).isZero();

    List<Event> all = events(spark.sql("SELECT " + SparkSql.EVENT_COLUMNS + " FROM " + sparkTable));
    assertThat(all).hasSize(events.size());
    assertThat(byId(all)).isEqualTo(byId(events));
    long days = events.stream().map(event -> utcDay(event.timestampMillis())).distinct().count();
    long filesAfter = single(spark.sql("SELECT count(*) AS n FROM " + sparkTable + ".files")).get("n").asLong();
    assertThat(filesBefore).isGreaterThan(days);
    assertThat(filesAfter).isEqualTo(days);
    assertThat(single(spark.sql("SELECT count(*) AS n FROM " + sparkTable + ".snapshots")).get("n").asLong())
        .isEqualTo(1);

    // The first batch's snapshot is gone, yet floe still knows the batch is in the table.
    JsonNode again = floe.ingest(table, dir.resolve("dead-letters"), inputs.get(0));
    assertThat(again.get("committed").asBoolean()).isFalse();
    assertThat(again.get("batches_skipped").asInt()).isEqualTo(1);
  }

  /**
   * A stream definition as Pipelines' API takes it (nested structs in a list in a struct, binary,
   * json, uint64, decimal), then a v2 that adds optional fields (one inside the list's struct) and
   * widens int32 to int64, then a writer still on v1: Spark reads every row, value for value, the
   * old ones with nulls in the new columns.
   */
  @Test
  void sparkReadsNestedTypesAndAnEvolvedStreamDefinition(SparkSql spark, Endpoints endpoints) throws IOException {
    String table = uniqueNamespace() + ".orders";
    String sparkTable = CATALOG + "." + table;
    FloeCommand floe = FloeCommand.on(endpoints);
    String v1 = """
        {"name": "orders", "format": {"type": "json", "timestamp_format": "unix_millis", "unstructured": false},
         "schema": {"fields": [
           {"name": "id", "type": "string", "required": true},
           {"name": "ts", "type": "timestamp", "required": true, "unit": "millisecond"},
           {"name": "qty", "type": "int32"},
           {"name": "blob", "type": "binary"},
           {"name": "meta", "type": "json"},
           {"name": "u64", "type": "uint64"},
           {"name": "order", "type": "struct", "fields": [
             {"name": "lines", "type": "list", "element": {"type": "struct", "fields": [
               {"name": "sku", "type": "string", "required": true},
               {"name": "price", "type": "decimal128", "precision": 10, "scale": 2}]}}]}]},
         "http": {"enabled": true, "authentication": true}}
        """;
    String v2 = v1.replace("{\"name\": \"qty\", \"type\": \"int32\"}",
            "{\"name\": \"qty\", \"type\": \"int64\"}, {\"name\": \"note\", \"type\": \"string\"}")
        .replace("{\"name\": \"sku\", \"type\": \"string\", \"required\": true},",
            "{\"name\": \"sku\", \"type\": \"string\", \"required\": true}, {\"name\": \"color\", \"type\": \"string\"},");
    assertThat(v2).contains("int64").contains("color");

    ingestWith(floe, table, v1, "v1.ndjson",
        "{\"id\":\"a\",\"ts\":1767139201000,\"qty\":3,\"blob\":\"AAEC/w==\",\"meta\":{\"k\":[1,2.50]},"
            + "\"u64\":\"18446744073709551615\",\"order\":{\"lines\":[{\"sku\":\"A\",\"price\":\"12.30\"},{\"sku\":\"B\"}]}}",
        "{\"id\":\"b\",\"ts\":1767139202000}");
    ingestWith(floe, table, v2, "v2.ndjson",
        "{\"id\":\"c\",\"ts\":1767139203000,\"qty\":5000000000,\"note\":\"n\","
            + "\"order\":{\"lines\":[{\"sku\":\"C\",\"color\":\"red\",\"price\":0.5}]}}");
    ingestWith(floe, table, v1, "v1-again.ndjson", "{\"id\":\"d\",\"ts\":1767139204000,\"qty\":7}");

    List<JsonNode> rows = spark.sql("SELECT id, unix_millis(ts) AS ts_ms, qty, typeof(qty) AS qty_type, note,"
        + " base64(blob) AS blob, meta, CAST(u64 AS STRING) AS u64, size(`order`.lines) AS lines,"
        + " try_element_at(`order`.lines, 1).sku AS sku1, CAST(try_element_at(`order`.lines, 1).price AS STRING) AS price1,"
        + " try_element_at(`order`.lines, 1).color AS color1, try_element_at(`order`.lines, 2).sku AS sku2,"
        + " try_element_at(`order`.lines, 2).price AS price2 FROM " + sparkTable + " ORDER BY id");

    assertThat(rows).extracting(row -> row.get("id").asText()).containsExactly("a", "b", "c", "d");
    assertThat(rows).allSatisfy(row -> assertThat(row.get("qty_type").asText()).isEqualTo("bigint"));
    JsonNode a = rows.get(0);
    assertThat(a.get("ts_ms").asLong()).isEqualTo(1767139201000L);
    assertThat(a.get("qty").asLong()).isEqualTo(3);
    assertThat(a.get("blob").asText()).isEqualTo("AAEC/w==");
    assertThat(a.get("meta").asText()).isEqualTo("{\"k\":[1,2.50]}");
    assertThat(a.get("u64").asText()).isEqualTo("18446744073709551615");
    assertThat(a.get("lines").asInt()).isEqualTo(2);
    assertThat(a.get("sku1").asText()).isEqualTo("A");
    assertThat(a.get("price1").asText()).isEqualTo("12.30");
    assertThat(a.get("sku2").asText()).isEqualTo("B");
    // Spark's rows leave null fields out: written before v2, so no note and no color.
    assertThat(a.has("note")).isFalse();
    assertThat(a.has("color1")).isFalse();
    assertThat(a.has("price2")).isFalse();
    JsonNode b = rows.get(1);
    assertThat(b.get("ts_ms").asLong()).isEqualTo(1767139202000L);
    assertThat(b.has("qty")).isFalse();
    assertThat(b.has("blob")).isFalse();
    assertThat(b.has("sku1")).isFalse();
    JsonNode c = rows.get(2);
    assertThat(c.get("qty").asLong()).isEqualTo(5_000_000_000L);
    assertThat(c.get("note").asText()).isEqualTo("n");
    assertThat(c.get("sku1").asText()).isEqualTo("C");
    assertThat(c.get("color1").asText()).isEqualTo("red");
    assertThat(c.get("price1").asText()).isEqualTo("0.50");
    JsonNode d = rows.get(3);
    assertThat(d.get("qty").asLong()).isEqualTo(7);
    assertThat(d.has("note")).isFalse();
  }

  private void ingestWith(FloeCommand floe, String table, String definition, String name, String... lines)
      throws IOException {
    Path schema = Files.writeString(dir.resolve(name + ".stream.json"), definition);
    Path input = Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    FloeCommand.Result result = floe.run("ingest", "--json", "--table", table, "--dead-letter-dir",
        dir.resolve("dead-letters").toString(), "-D", "schema.file=" + schema, input.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode summary = FloeCommand.JSON.readTree(result.out());
    assertThat(summary.get("events_written").asLong()).as(result.out()).isEqualTo(lines.length);
    assertThat(summary.get("events_rejected").asLong()).as(result.out()).isZero();
  }

  @Test
  void sparkListensOnLoopbackOnly(SparkSql spark) throws IOException {
    assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this platform");

    // The driver's RPC endpoint and block manager, whatever ports Spark chose.
    assertThat(ListeningSockets.localAddressesOfProcess(spark.pid()))
        .as("listening addresses of %s", spark)
        .isNotEmpty()
        .allSatisfy(address -> assertThat(address.isLoopbackAddress()).as("%s", address).isTrue());
  }

  private static String uniqueNamespace() {
    return "spark_it_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static JsonNode single(List<JsonNode> rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private static List<Event> events(List<JsonNode> rows) {
    return rows.stream().map(Event::fromSparkRow).toList();
  }

  /** Events by (do_id, seq); fails on a duplicate id. */
  private static Map<Event.Key, Event> byId(List<Event> events) {
    return events.stream().collect(Collectors.toMap(Event::id, Function.identity()));
  }

  private static String utcDay(long epochMillis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC).toString();
  }

  /** A VALUES list in the table's column order; timestamps as exact epoch milliseconds. */
  private static String sqlValues(List<Event> events) {
    return events.stream()
        .map(
            event ->
                String.format(
                    "(%s, %s, %s, %s, %s, %s, timestamp_millis(%d), %d)",
                    sqlString(event.doId()),
                    sqlString(event.ns()),
                    sqlString(event.type()),
                    sqlString(event.key()),
                    sqlString(event.value()),
                    sqlString(event.op()),
                    event.timestampMillis(),
                    event.seq()))
        .collect(Collectors.joining(", "));
  }

  /** A Spark SQL string literal (backslash escapes are on by default), or NULL. */
  private static String sqlString(String text) {
    return text == null ? "NULL" : "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
