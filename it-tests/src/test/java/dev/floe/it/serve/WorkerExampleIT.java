package dev.floe.it.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.catalog.CatalogConfig;
import dev.floe.catalog.CatalogFactory;
import dev.floe.core.config.Settings;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/worker in a real Workers runtime: its test script runs the Worker in workerd (miniflare)
 * and drives several Durable Objects, whose events go to a {@code floe serve} on 127.0.0.1 through
 * a relay that loses the answers to some first attempts and refuses others with 503. After SIGTERM,
 * the table holds every event the objects recorded, once, as they sent it.
 */
class WorkerExampleIT {
  private static final Path WORKER =
      Path.of(System.getProperty("floe.it.repository-root", "..")).resolve("examples/worker").toAbsolutePath().normalize();
  private static final String TABLE = "serve.worker_events";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("(?m)^Listening on (http://127\\.0\\.0\\.1:\\d+)");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theTableHoldsEveryEventTheDurableObjectsSentOnce() throws IOException {
    Path node = nodeWithPackages();
    String token = "worker-it-" + UUID.randomUUID();
    Path warehouse = dir.resolve("warehouse");
    Child serve = Child.start("floe serve", dir.resolve("serve"), dir, javaCommand("serve", "--port", "0",
        "--spool-dir", dir.resolve("spool").toString(), "--warehouse", warehouse.toString(), "--table", TABLE,
        "--dead-letter-dir", dir.resolve("dead-letters").toString(), "-D", "serve.roll-interval=2s"), Map.of("FLOE_SERVE_TOKEN", token));
    Path sent = dir.resolve("sent.ndjson");
    JsonNode summary;
    try {
      String url = serve.awaitLine(LISTENING) + "/";
      Child script = Child.start("examples/worker/test/e2e.mjs", dir.resolve("e2e"), WORKER, List.of(node.toString(), "test/e2e.mjs",
          "--url", url, "--out", sent.toString(), "--objects", "4", "--requests", "12"), Map.of("FLOE_TOKEN", token));
      assertThat(script.waitForExit()).as("examples/worker/test/e2e.mjs: %s\nfloe serve: %s", script.err(), serve.tail())
          .isZero();
      summary = MAPPER.readTree(script.out().strip());
    } finally {
      serve.process.destroy(); // SIGTERM: floe serve stops accepting and commits what its spool holds
    }
    assertThat(serve.waitForExit()).as("floe serve's exit code after SIGTERM: %s", serve.tail()).isZero();

    Map<String, List<Object>> expected = new HashMap<>();
    for (String line : Files.readAllLines(sent, StandardCharsets.UTF_8)) {
      JsonNode e = MAPPER.readTree(line);
      expected.put(e.get("do_id").asText() + "/" + e.get("seq").asLong(), Arrays.asList(e.get("ns").asText(),
          e.get("type").asText(), e.get("key").asText(), e.get("value").isNull() ? null : e.get("value").asText(),
          e.get("op").asText(), e.get("timestamp").asLong()));
    }
    assertThat(summary.get("events").asInt()).isEqualTo(expected.size()).isGreaterThan(100);
    assertThat(summary.get("lostAnswers").asInt()).as("answers the relay lost: %s", summary).isPositive();
    assertThat(summary.get("refused").asInt()).as("first attempts the relay refused: %s", summary).isPositive();
    assertThat(summary.get("rejected").asInt()).as("events floe rejected: %s", summary).isZero();

    List<String> keys = new ArrayList<>();
    Map<String, List<Object>> rows = new HashMap<>();
    readTable(warehouse, r -> {
      String key = r.getField("do_id") + "/" + r.getField("seq");
      keys.add(key);
      rows.put(key, Arrays.asList(r.getField("ns"), r.getField("type"), r.getField("key"), r.getField("value"),
          r.getField("op"), ((OffsetDateTime) r.getField("timestamp")).toInstant().toEpochMilli()));
    });
    assertThat(keys).as("(do_id, seq) of the table's rows").doesNotHaveDuplicates();
    assertThat(rows).containsExactlyInAnyOrderEntriesOf(expected);
  }

  /** The node binary, with the example's packages installed; a missing one fails, never skips. */
  private static Path nodeWithPackages() {
    Optional<Path> node = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(p -> Path.of(p, "node"))
        .filter(Files::isExecutable)
        .findFirst();
    if (node.isEmpty()) {
      fail("Cannot run examples/worker: no node on PATH. Install Node.js 20 or later and run"
          + " (cd examples/worker && npm ci), as .ci/run does");
    }
    if (!Files.isDirectory(WORKER.resolve("node_modules/miniflare"))) {
      installPackages(node.get().resolveSibling("npm"));
    }
    return node.get();
  }

  /**
   * {@code npm ci} in examples/worker, so that {@code mvn -B verify} on a fresh machine needs no
   * step of its own (from package-lock.json: the versions are pinned).
   */
  private static void installPackages(Path npm) {
    if (!Files.isExecutable(npm)) {
      fail("Cannot run examples/worker: its packages are not installed in " + WORKER + " and there is no npm beside node"
          + " (" + npm + "); run (cd examples/worker && npm ci)");
    }
    try {
      Path log = Files.createTempFile("floe-npm-ci", ".log");
      Process process = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
          .directory(WORKER.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("Cannot install examples/worker's packages: npm ci took over 5 minutes; its output is in " + log);
      }
      if (process.exitValue() != 0) {
        fail("Cannot install examples/worker's packages: npm ci exited " + process.exitValue() + ": " + Files.readString(log));
      }
    } catch (java.io.IOException e) {
      fail("Cannot run npm ci in " + WORKER + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("Interrupted while installing examples/worker's packages");
    }
  }

  /** floe's command line in its own JVM, on this test JVM's classpath. */
  private static List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "dev.floe.cli.FloeCli"));
    command.addAll(List.of(args));
    return command;
  }

  private static void readTable(Path warehouse, Consumer<Record> each) throws IOException {
    Catalog catalog = CatalogFactory.create(CatalogConfig.from(Settings.of(Map.of("warehouse", warehouse.toString()), "test")));
    try {
      Table table = catalog.loadTable(TableIdentifier.parse(TABLE));
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        records.forEach(each);
      }
    } finally {
      if (catalog instanceof Closeable closeable) {
        closeable.close();
      }
    }
  }

  /** A child process whose output goes to files in its own folder. */
  private record Child(String name, Process process, Path outFile, Path errFile) {
    static Child start(String name, Path logs, Path workingDir, List<String> command, Map<String, String> env) {
      try {
        Files.createDirectories(logs);
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(workingDir.toFile())
            .redirectOutput(logs.resolve("stdout").toFile())
            .redirectError(logs.resolve("stderr").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // Exactly this environment for floe and the script, none of the developer's own setup.
        builder.environment().keySet().removeIf(key -> key.startsWith("FLOE_") || key.startsWith("AWS_"));
        builder.environment().putAll(env);
        return new Child(name, builder.start(), logs.resolve("stdout"), logs.resolve("stderr"));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
      }
    }

    /** The first group of {@code line} once the process printed it; fails if it exits first. */
    String awaitLine(Pattern line) {
      String[] found = new String[1];
      await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
        Matcher m = line.matcher(out());
        if (m.find()) {
          found[0] = m.group(1);
          return true;
        }
        assertThat(process.isAlive()).as("%s exited before printing %s: %s", name, line, tail()).isTrue();
        return false;
      });
      return found[0];
    }

    int waitForExit() {
      try {
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail(name + " did not end within " + TIMEOUT + ": " + tail());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted waiting for " + name, e);
      }
    }

    String out() {
      return read(outFile);
    }

    String err() {
      return read(errFile);
    }

    /** How stderr ends, less stack frames, for failure messages. */
    String tail() {
      List<String> lines = err().lines().filter(line -> !line.startsWith("\tat ") && !line.startsWith("\t... ")).toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static String read(Path file) {
      try {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
