import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL in local mode behind a JSON-lines protocol, so that tests in another JVM (whose
 * classpath cannot hold Spark's) can query Iceberg tables with an independent engine. One Spark
 * session serves every request of the test JVM, since starting one takes many seconds.
 *
 * <p>Source-file mode, with the classpath it-tests resolves with Maven: {@code java <Spark's
 * --add-opens options> -cp "$(cat target/servers/spark.classpath)" servers/SparkSqlDriver.java}.
 *
 * <p>Standard output carries only the protocol; Spark's and everybody else's output goes to
 * standard error. After start-up it prints {@code {"ready":true,"spark":"4.1.1"}}, then answers
 * each request line on standard input with exactly one line:
 *
 * <ul>
 *   <li>{@code {"catalog":"NAME","properties":{...}}} registers an Iceberg {@code SparkCatalog}
 *       named NAME with these catalog properties (which may hold S3 keys: they arrive on a pipe,
 *       never on a command line, and are never printed). Answer: {@code {"ok":true}}.
 *   <li>{@code {"sql":"STATEMENT"}} runs the statement and collects its result. Answer: {@code
 *       {"ok":true,"rows":[{column: value, ...}, ...]}}, rows as Spark's {@code toJSON} gives them
 *       (timestamps in UTC).
 * </ul>
 *
 * A failed request is answered with {@code {"ok":false,"error":"..."}} and the session goes on. The
 * process stops Spark and exits when standard input reaches end of file, so it does not outlive the
 * test JVM, even when that JVM is killed.
 */
public class SparkSqlDriver {
  private static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    PrintStream protocol =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    ObjectMapper json = new ObjectMapper();

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("floe-it")
            // Loopback only, nothing else listening: no UI, no Hive, driver bound to 127.0.0.1.
            .config("spark.driver.host", LOOPBACK)
            .config("spark.driver.bindAddress", LOOPBACK)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    protocol.println(json.writeValueAsString(Map.of("ready", true, "spark", spark.version())));

    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) {
        protocol.println(json.writeValueAsString(answer(spark, json, line)));
      }
    }
    spark.stop();
    System.exit(0);
  }

  private static ObjectNode answer(SparkSession spark, ObjectMapper json, String line) {
    ObjectNode answer = json.createObjectNode();
    try {
      JsonNode request = json.readTree(line);
      if (request.has("catalog")) {
        registerCatalog(spark, request.get("catalog").asText(), request.get("properties"));
      } else if (request.has("sql")) {
        ArrayNode rows = answer.putArray("rows");
        for (String row : spark.sql(request.get("sql").asText()).toJSON().collectAsList()) {
          rows.add(json.readTree(row));
        }
      } else {
        throw new IllegalArgumentException("Invalid request: expected \"catalog\" or \"sql\"");
      }
      answer.put("ok", true);
    } catch (Exception e) {
      // Logged here in full; the test gets the one-line reason.
      e.printStackTrace();
      answer.removeAll();
      answer.put("ok", false);
      answer.put("error", e.getClass().getName() + ": " + e.getMessage());
    }
    return answer;
  }

  private static void registerCatalog(SparkSession spark, String name, JsonNode properties) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("Invalid catalog name: " + name);
    }
    String prefix = "spark.sql.catalog." + name;
    spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      spark.conf().set(prefix + "." + property.getKey(), property.getValue().asText());
    }
  }
}
