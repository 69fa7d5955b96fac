package dev.floe.it.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.it.servers.ServerLayout;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark SQL 4.1 in local mode with Iceberg's Spark runtime, in a child JVM ({@code
 * servers/SparkSqlDriver.java}), since Spark's classpath cannot share this one. Requests and
 * answers are JSON lines on the child's standard input and output; its log is {@code
 * target/servers/spark.log}. One child serves the whole test JVM (see {@link SparkExtension}):
 * starting Spark takes tens of seconds here.
 */
public final class SparkSql implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSql.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The event columns, as {@link Event#fromSparkRow} reads them, for a SELECT list. */
  static final String EVENT_COLUMNS =
      "do_id, seq, ns, type, key, value, op, unix_millis(timestamp) AS timestamp_ms";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration GRACE = Duration.ofSeconds(15);
  private static final int LOG_TAIL_LINES = 40;
  private static final String END_OF_OUTPUT = "\u0000end";

  /**
   * What {@code spark-submit} passes to a Java 17+ JVM (Spark's {@code JavaModuleOptions}): Spark
   * reflects into these JDK packages.
   */
  private static final List<String> SPARK_JVM_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-modules=jdk.incubator.vector",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final Process process;
  private final Path log;
  private final BufferedWriter requests;
  private final BlockingQueue<String> answers;
  private String sparkVersion = "(starting)";

  private SparkSql(
      Process process, Path log, BufferedWriter requests, BlockingQueue<String> answers) {
    this.process = process;
    this.log = log;
    this.requests = requests;
    this.answers = answers;
  }

  /**
   * Starts the driver and waits for its ready line.
   *
   * @throws IllegalStateException naming the log and quoting its end, when the driver exits or is
   *     not ready within the time-out
   */
  public static SparkSql start(ServerLayout layout) {
    long startNanos = System.nanoTime();
    Path log = layout.log("spark");
    Path scratch = layout.serversDir().resolve("spark");
    List<String> command = new ArrayList<>();
    command.add(layout.java().toString());
    command.addAll(List.of("-Xmx1g", "-XX:+UseParallelGC"));
    command.addAll(SPARK_JVM_OPTIONS);
    command.addAll(
        List.of(
            // SparkConf takes spark.* system properties: keep Spark's files under target/.
            "-Dspark.local.dir=" + scratch.resolve("local"),
            "-Dspark.sql.warehouse.dir=" + scratch.resolve("warehouse").toUri(),
            "-cp",
            layout.classpath("spark"),
            layout.launcher("SparkSqlDriver.java").toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    // Nothing of the developer's AWS or catalog setup leaks in; the catalogs come by request.
    builder
        .environment()
        .keySet()
        .removeIf(
            key -> key.startsWith("AWS_") || key.startsWith("CATALOG_") || key.startsWith("FLOE_"));
    // Spark otherwise looks up this host's name and its interfaces to choose an address.
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("SPARK_LOCAL_HOSTNAME", "localhost");
    Process process;
    try {
      Files.createDirectories(scratch);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Spark (log " + log + "): " + e.getMessage(), e);
    }

    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(process, answers), "spark-sql-answers");
    reader.setDaemon(true);
    reader.start();
    BufferedWriter requests =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    SparkSql spark = new SparkSql(process, log, requests, answers);
    try {
      JsonNode ready = spark.awaitAnswer("start-up", STARTUP_TIMEOUT);
      if (!ready.path("ready").asBoolean()) {
        throw spark.failure("Cannot start Spark: unexpected first line " + ready);
      }
      spark.sparkVersion = ready.path("spark").asText();
    } catch (RuntimeException e) {
      spark.close();
      throw e;
    }
    LOG.info(
        "Started Spark {} (pid {}, log {}) in {} ms",
        spark.sparkVersion,
        process.pid(),
        log,
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    return spark;
  }

  private static void readLines(Process process, BlockingQueue<String> answers) {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        answers.add(line);
      }
    } catch (IOException e) {
      // the process is gone; the end marker below says so
    }
    answers.add(END_OF_OUTPUT);
  }

  synchronized String version() {
    return sparkVersion;
  }

  /** The driver's process id; in local mode Spark's executors are threads of it. */
  public long pid() {
    return process.pid();
  }

  /**
   * Registers an Iceberg {@code SparkCatalog} named {@code name} with these catalog properties
   * (e.g. {@code type=rest}, {@code uri}, S3FileIO settings with keys: they go through the pipe,
   * never on a command line). Do it once per name, before the catalog's first use.
   */
  public synchronized void registerCatalog(String name, Map<String, String> properties) {
    ObjectNode request = JSON.createObjectNode();
    request.put("catalog", name);
    ObjectNode props = request.putObject("properties");
    properties.forEach(props::put);
    call(request, "register catalog " + name);
  }

  /**
   * Registers {@code name} as an Iceberg REST catalog with these properties (the harness's URI,
   * warehouse and S3 settings), uncached: Spark would otherwise keep serving the table state it
   * loaded first, and miss floe's commits.
   */
  public void registerRestCatalog(String name, Map<String, String> catalogProperties) {
    Map<String, String> properties = new LinkedHashMap<>(catalogProperties);
    properties.put("type", "rest");
    properties.put("cache-enabled", "false");
    registerCatalog(name, properties);
  }

  /** The one row of a statement's answer, such as a procedure's result or a count. */
  public static JsonNode onlyRow(List<JsonNode> rows) {
    if (rows.size() != 1) {
      throw new IllegalStateException("Expected one row, got " + rows.size() + ": " + rows);
    }
    return rows.get(0);
  }

  /**
   * Runs one statement and returns its rows as Spark's {@code toJSON} gives them (null fields left
   * out, timestamps in UTC).
   *
   * @throws IllegalStateException with Spark's error when the statement fails
   */
  public synchronized List<JsonNode> sql(String statement) {
    return sql(statement, REQUEST_TIMEOUT);
  }

  /** As {@link #sql(String)}, waiting up to {@code timeout} (a benchmark's long statement). */
  public synchronized List<JsonNode> sql(String statement, Duration timeout) {
    ObjectNode request = JSON.createObjectNode();
    request.put("sql", statement);
    List<JsonNode> rows = new ArrayList<>();
    call(request, statement, timeout).get("rows").forEach(rows::add);
    return rows;
  }

  private JsonNode call(ObjectNode request, String what) {
    return call(request, what, REQUEST_TIMEOUT);
  }

  private JsonNode call(ObjectNode request, String what, Duration timeout) {
    try {
      requests.write(JSON.writeValueAsString(request));
      requests.newLine();
      requests.flush();
    } catch (IOException e) {
      throw failure("Cannot send to Spark (" + what + "): " + e.getMessage());
    }
    JsonNode answer = awaitAnswer(what, timeout);
    if (!answer.path("ok").asBoolean()) {
      throw new IllegalStateException(
          "Spark failed on " + what + ": " + answer.path("error").asText() + " (log " + log + ")");
    }
    return answer;
  }

  private JsonNode awaitAnswer(String what, Duration timeout) {
    String line;
    try {
      line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("Interrupted waiting for Spark (" + what + ")");
    }
    if (line == null) {
      throw failure("Spark did not answer within " + timeout.toSeconds() + " s (" + what + ")");
    }
    if (line.equals(END_OF_OUTPUT)) {
      answers.add(END_OF_OUTPUT);
      throw failure("Spark exited (" + what + ")");
    }
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw failure("Invalid answer from Spark (" + what + "): " + line);
    }
  }

  private IllegalStateException failure(String message) {
    StringBuilder text =
        new StringBuilder(message).append(System.lineSeparator()).append("Log: ").append(log);
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      text.append(" (last ").append(tail.size()).append(" lines)").append(System.lineSeparator());
      text.append(String.join(System.lineSeparator(), tail));
    } catch (IOException e) {
      text.append(" (unreadable: ").append(e.getMessage()).append(')');
    }
    return new IllegalStateException(text.toString());
  }

  /**
   * Closes the driver's standard input, on which it stops Spark and exits; then SIGTERM and SIGKILL
   * if it takes too long. Idempotent.
   */
  @Override
  public synchronized void close() {
    List<ProcessHandle> tree = process.descendants().toList();
    try {
      requests.close();
    } catch (IOException e) {
      // a broken pipe: the process is gone or going
    }
    if (!exited()) {
      tree.forEach(ProcessHandle::destroy);
      process.destroy();
      if (!exited()) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        exited();
      }
    }
  }

  private boolean exited() {
    try {
      return process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  @Override
  public String toString() {
    return "Spark " + sparkVersion + " (pid " + process.pid() + ", log " + log + ")";
  }
}
