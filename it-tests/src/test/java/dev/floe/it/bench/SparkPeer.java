package dev.floe.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.interop.SparkSql;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServerLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The peer: Spark 4.1 in local mode ({@code local[2]}, one driver JVM whose executors are its
 * threads; see {@link SparkSql}) appending an NDJSON file to an Iceberg table through the same REST
 * catalog and S3 API as floe. The JSON is read with the table's schema given explicitly (timestamps
 * as epoch milliseconds, turned into {@code timestamptz}), so Spark infers nothing.
 */
final class SparkPeer implements AutoCloseable {
  static final String CATALOG = "bench";
  private static final String VIEW = "bench_events";

  /**
   * A measured stretch of the driver's life: wall time, its CPU (all threads) meanwhile, and the
   * CPU the local S3 and catalog servers used meanwhile.
   */
  record Measured(Duration wall, double cpuSeconds, double serversCpuSeconds, String loadBefore, String loadAfter) {}

  private final SparkSql spark;
  private final Measured startUp;

  private SparkPeer(SparkSql spark, Measured startUp) {
    this.spark = spark;
    this.startUp = startUp;
  }

  /** Starts the driver and registers the REST catalog as {@value #CATALOG}; both are timed. */
  static SparkPeer start(ServerLayout layout, Endpoints endpoints) {
    String loadBefore = ProcStats.loadAverage();
    double serversBefore = ProcStats.serversCpuSeconds();
    long start = System.nanoTime();
    SparkSql spark = SparkSql.start(layout);
    try {
      spark.registerRestCatalog(CATALOG, endpoints.catalogProperties());
      spark.sql("SHOW NAMESPACES IN " + CATALOG);
      Measured startUp =
          new Measured(Duration.ofNanos(System.nanoTime() - start), ProcStats.cpuSeconds(spark.pid()),
              ProcStats.serversCpuSeconds() - serversBefore, loadBefore, ProcStats.loadAverage());
      return new SparkPeer(spark, startUp);
    } catch (RuntimeException e) {
      spark.close();
      throw e;
    }
  }

  Measured startUp() {
    return startUp;
  }

  long peakRssBytes() {
    return ProcStats.peakRssBytes(spark.pid());
  }

  /**
   * {@code INSERT INTO table SELECT ... FROM} the NDJSON file, timed alone: the view over the file
   * (lazy, as its schema is given) and the table's first load come before the clock starts.
   */
  Measured append(String table, Schema schema, Path input, Duration timeout) {
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW " + VIEW + " (" + viewColumns(schema) + ") USING json OPTIONS (path '"
            + input.toUri() + "')");
    spark.sql("DESCRIBE TABLE " + CATALOG + "." + table);
    String loadBefore = ProcStats.loadAverage();
    double serversBefore = ProcStats.serversCpuSeconds();
    double cpuBefore = ProcStats.cpuSeconds(spark.pid());
    long start = System.nanoTime();
    spark.sql("INSERT INTO " + CATALOG + "." + table + " SELECT " + selectList(schema) + " FROM " + VIEW, timeout);
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    double cpu = ProcStats.cpuSeconds(spark.pid()) - cpuBefore;
    return new Measured(wall, cpu, ProcStats.serversCpuSeconds() - serversBefore, loadBefore, ProcStats.loadAverage());
  }

  /** What a table holds, read back through Spark: rows, distinct (do_id, seq), files, bytes. */
  record Contents(long rows, long distinctIds, long files, long bytes) {}

  Contents contents(String table) {
    String name = CATALOG + "." + table;
    JsonNode counts = single(spark.sql("SELECT count(*) AS n, count(DISTINCT do_id, seq) AS ids FROM " + name));
    JsonNode files =
        single(spark.sql("SELECT count(*) AS files, coalesce(sum(file_size_in_bytes), 0) AS bytes FROM " + name + ".files"));
    return new Contents(
        counts.get("n").asLong(), counts.get("ids").asLong(), files.get("files").asLong(), files.get("bytes").asLong());
  }

  private static JsonNode single(List<JsonNode> rows) {
    if (rows.size() != 1) {
      throw new IllegalStateException("Expected one row from Spark, got " + rows);
    }
    return rows.get(0);
  }

  /** The view's columns: the table's, with timestamps as the epoch milliseconds the file holds. */
  static String viewColumns(Schema schema) {
    return schema.columns().stream()
        .map(column -> quote(column.name()) + " " + jsonType(column))
        .collect(Collectors.joining(", "));
  }

  /** The table's columns in order, timestamps converted from epoch milliseconds. */
  static String selectList(Schema schema) {
    return schema.columns().stream()
        .map(column -> column.type().typeId() == org.apache.iceberg.types.Type.TypeID.TIMESTAMP
            ? "timestamp_millis(" + quote(column.name()) + ") AS " + quote(column.name())
            : quote(column.name()))
        .collect(Collectors.joining(", "));
  }

  private static String jsonType(Types.NestedField column) {
    return switch (column.type().typeId()) {
      case STRING -> "STRING";
      case LONG, TIMESTAMP -> "BIGINT";
      case INTEGER -> "INT";
      case DOUBLE -> "DOUBLE";
      case FLOAT -> "FLOAT";
      case BOOLEAN -> "BOOLEAN";
      default -> throw new IllegalArgumentException(
          "Invalid column for the Spark peer: " + column.name() + " is " + column.type());
    };
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  @Override
  public void close() {
    spark.close();
  }
}
